// End-to-end sync on the real desktop binary against a real hub process on 127.0.0.1:
//   1. the CLI prepares a hub store (a study, two sessions, five participants) and writes the
//      study's sealed join file, printing its one-time code last; `terrain serve` runs the hub
//      on a free loopback port;
//   2. the app starts on an empty data directory; syncing before joining is refused with a
//      readable message; it opens the join file with its code, shows the fingerprints the CLI
//      printed, joins once they are confirmed, syncs with the hub URL and its
//      join code, shows the progress bar and a summary with the eight records received, and the
//      study appears on the Studies screen;
//   3. the share panel lists this machine's networks and preselects a local one (never every
//      network; loopback when there is no local network, with a message saying so); the app
//      shares itself on loopback picked in that list; a second laptop played by the CLI joins
//      and syncs with it, and shows up in the app's list of enrolled laptops.
// A second test passes USB bundles from two laptops that edited the same title concurrently:
// the app imports them (a file path, then a folder's list), shows the conflict side by side,
// keeps the overwritten value at a click, and refuses a bundle imported twice; its study page
// lists the members and replaces the study key at a coordinator's request, then invites a
// laptop: the screen shows the one-time code and the fingerprints, the file on the stick has a
// neutral name, and a laptop played by the CLI joins with that code and prints the same
// fingerprints.
//
// Run: xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/
// Needs: target/debug/terrain (cargo build -p terrain-cli) and the app (cargo build -p terrain-app).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, cliBinary } from './webdriver.mjs';

const children = [];
let driver;

after(async () => {
  await driver?.stop();
  await Promise.all(children.map(stopChild));
});

/** Runs the CLI on a store and returns its standard output, trimmed (its progress lines on
 * stderr are kept out of the test report; a failure's error carries them). */
function terrain(db, ...args) {
  return execFileSync(cliBinary(), ['--db', db, ...args], {
    encoding: 'utf8',
    timeout: 60000,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** `terrain serve` on a loopback port; resolves with its URL and join code once it listens. */
async function startHub(db) {
  const port = await freePort();
  const child = spawn(cliBinary(), ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`hub not ready within 20 s: ${out} ${err}`)), 20000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`hub exited (${code}) before listening: ${out} ${err}`));
    });
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      const code = /join code: (\S+)/.exec(out)?.[1];
      if (url && code) {
        clearTimeout(timer);
        res({ url, code, child, db });
      }
    });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(t);
}

test('join a study, sync with a hub, then share this laptop with another', { timeout: 240000 }, async () => {
  // 1. The hub's store, prepared with the CLI.
  const work = mkdtempSync(join(tmpdir(), 'terrain-e2e-sync-'));
  const hubDb = join(work, 'hub.db');
  const study = terrain(hubDb, 'record', 'new', 'study', 'title=Consultations Mopti 2026');
  let participants = 0;
  for (const date of ['2026-03-02', '2026-03-09']) {
    const session = terrain(hubDb, 'record', 'new', 'session', `study_id=${study}`, 'session_type=focus_group', `date=${date}`);
    for (const sex of date.endsWith('02') ? ['female', 'female', 'male'] : ['female', 'male']) {
      terrain(hubDb, 'record', 'new', 'participant', `session_id=${session}`, `sex=${sex}`, 'age=30');
      participants++;
    }
  }
  const records = 1 + 2 + participants;
  const joinFile = join(work, 'invitation.json');
  const invitation = invited(terrain(hubDb, 'study', 'invite', study, '--out', joinFile));
  const hub = await startHub(hubDb);

  // 2. The app, on an empty data directory.
  driver = await Driver.start();
  const s = await driver.newSession();
  try {
    await scenario(s, { hub, joinFile, invitation, records, participants, work });
  } catch (err) {
    await s.screenshot(join(ARTIFACTS, 'sync-failure.png')).catch(() => {});
    throw err;
  }
  await driver.stop();
  driver = null;
  await stopChild(hub.child);
});

/** What `terrain study invite` prints: the path, the two fingerprints, the code on the last line. */
function invited(out) {
  const lines = out.split('\n');
  assert.equal(lines.length, 4, out);
  return {
    path: lines[0],
    studyFingerprint: lines[1].split('\t')[1],
    inviterFingerprint: lines[2].split('\t')[1],
    code: lines[3],
  };
}

/** Joins in the app: the file and its code, then the fingerprints compared before joining. */
async function joinInApp(s, file, invitation, title) {
  const id = (x) => s.byTestId(x);
  await s.clear(id('join-path'));
  await s.type(id('join-path'), file);
  await s.type(id('join-code'), invitation.code);
  await s.click(id('join-study'));
  await s.waitFor(id('join-preview'), { timeout: 30000 });
  assert.equal((await s.text(id('join-study-fingerprint'))).trim(), invitation.studyFingerprint);
  assert.equal((await s.text(id('join-inviter-fingerprint'))).trim(), invitation.inviterFingerprint);
  assert.match(await s.text(id('join-preview')), new RegExp(title));
  await s.click(id('join-confirm'));
  await s.waitForText(id('team-done'), title);
}

async function scenario(s, { hub, joinFile, invitation, records, participants, work }) {
  const id = (x) => s.byTestId(x);
  await s.click(await s.waitFor(id('nav-sync'), { timeout: 30000 }));

  // Before joining, a sync is refused with a message a person can act on (French by default).
  await s.clear(id('sync-url'));
  await s.type(id('sync-url'), hub.url);
  await s.click(id('sync-now'));
  await s.waitForText(id('error-message'), /rejoint aucune étude/);

  // A wrong code is refused as such, and changes nothing.
  await s.type(id('join-path'), joinFile);
  const words = invitation.code.split(' ');
  await s.type(id('join-code'), [words[1], words[0], ...words.slice(2)].join(' '));
  await s.click(id('join-study'));
  await s.waitForText(`${id('team-panel')} ${id('error-message')}`, /Code incorrect/);
  await s.clear(id('join-code'));
  await joinInApp(s, joinFile, invitation, 'Consultations Mopti 2026');

  // A name for this laptop, which the hub's list of devices then shows.
  await s.type(id('device-label'), 'PC de terrain Mopti');
  await s.click(id('device-label-save'));
  await s.waitForText('.notice', 'Enregistré');

  await s.type(id('sync-join-code'), hub.code);
  await s.click(id('sync-now'));
  // The bar shows while the sync runs and stays, complete, once it is done.
  await s.waitFor(id('sync-progress'), { timeout: 30000 });
  const summary = await s.waitFor(id('sync-summary'), { timeout: 60000 });
  assert.equal(await s.attr(id('sync-progress'), 'data-stage'), 'done');
  assert.equal(await s.attr(id('sync-progress'), 'data-percent'), '100');
  const text = await s.text(summary);
  assert.match(text, /Consultations Mopti 2026/);
  assert.equal(await s.text(`${id('sync-summary')} ${id('summary-new-records')}`), String(records), text);
  assert.match(text, /inscrit sur le hub/, 'enrolled on its first sync');
  assert.match(terrain(hub.db, 'device', 'list', '--json'), /PC de terrain Mopti/);
  // The hub, origin of every record received, is now among the devices seen, with its last sync.
  const hubRow = await s.waitFor(id('device-row'));
  assert.doesNotMatch(await s.text(hubRow), /jamais/);
  await s.screenshot(join(ARTIFACTS, 'sync.png'));

  await s.click(id('nav-studies'));
  await s.waitForText('main', 'Consultations Mopti 2026');

  // 3. Share this laptop on the network (loopback only in tests); a second laptop syncs with it.
  await s.click(id('nav-sync'));
  await checkNetworkPicker(s);
  const port = await freePort();
  await s.selectOption(id('share-network'), '127.0.0.1');
  await s.waitFor(id('share-loopback-hint'));
  await s.clear(id('share-port'));
  await s.type(id('share-port'), String(port));
  await s.click(id('share-start'));
  const address = await s.waitForText(id('share-address'), `http://127.0.0.1:${port}`);
  const code = (await s.text(id('share-code'))).trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  const laptop2 = join(work, 'laptop2.db');
  terrain(laptop2, 'study', 'join', joinFile, '--code', invitation.code);
  terrain(laptop2, 'sync', address.trim(), '--join', code);
  const got = JSON.parse(terrain(laptop2, 'record', 'list', 'participant', '--json'));
  assert.equal(got.length, participants, 'the second laptop received the study through the app');
  await s.waitFor(id('share-device-row'), { timeout: 15000 });
  await s.click(id('share-stop'));
  await s.waitFor(id('share-start'));
}

const PRIVATE = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/;

/** The share panel's list of networks: every network is offered by name, never preselected; a
 * local (private) address is preselected when there is one, else this machine only with a
 * message that says why. Leaves a screenshot of the panel as it opens, at 1366x768. */
async function checkNetworkPicker(s) {
  const id = (x) => s.byTestId(x);
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 }).catch(() => {});
  const form = await s.waitFor(id('share-form'));
  const reason = await s.attr(form, 'data-reason');
  assert.ok(['lan', 'no_lan', 'no_network'].includes(reason), `a fresh laptop remembers nothing: ${reason}`);
  const options = await s.execute(
    `return [...document.querySelector('[data-testid="share-network"]').options]
       .map((o) => ({ value: o.value, label: o.textContent.trim() }));`,
  );
  const every = options.find((o) => o.value === '0.0.0.0');
  assert.ok(every, 'every network is offered');
  assert.match(every.label, /Tous les réseaux \(0\.0\.0\.0\)/);
  assert.ok(options.some((o) => o.value === '127.0.0.1'), 'this machine only is offered');
  const picked = await s.value(id('share-network'));
  assert.notEqual(picked, '0.0.0.0', 'every network is never preselected');
  assert.equal(await s.value(id('share-port')), '7878');
  const networks = options.filter((o) => o.value !== '0.0.0.0' && o.value !== '127.0.0.1');
  for (const n of networks) assert.match(n.label, new RegExp(` — ${n.value.replaceAll('.', '\\.')}$`));
  if (reason === 'lan') {
    assert.match(picked, PRIVATE, 'a local address is preselected');
    assert.ok(networks.some((n) => n.value === picked));
  } else {
    assert.equal(picked, '127.0.0.1', `${reason}: this machine only, until a network is picked`);
    const box = reason === 'no_network' ? 'share-no-network' : 'share-no-lan';
    assert.equal(networks.length === 0, reason === 'no_network', JSON.stringify(options));
    assert.match(await s.text(id(box)), reason === 'no_network' ? /Aucun réseau/ : /Aucun réseau local/);
  }
  await s.screenshot(join(ARTIFACTS, 'share-panel.png'));
  // Every network picked by name says what it means.
  await s.selectOption(id('share-network'), '0.0.0.0');
  await s.waitForText(id('share-every-hint'), /Wi-Fi public/);
}

test('USB bundles from two laptops: summary, conflict side by side, pick, replay refused', { timeout: 180000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'terrain-e2e-usb-'));
  const usb = join(work, 'usb');
  const a = join(work, 'a.db');
  const b = join(work, 'b.db');
  const study = terrain(a, 'record', 'new', 'study', 'title=Étude Ségou');
  terrain(a, 'record', 'new', 'session', `study_id=${study}`, 'session_type=workshop', 'date=2026-04-01');
  const joinFile = join(work, 'invitation.json');
  const invitation = invited(terrain(a, 'study', 'invite', study, '--role', 'coordinator', '--out', joinFile));
  terrain(b, 'study', 'join', joinFile, '--code', invitation.code);
  mkdirSync(usb);
  terrain(a, 'bundle', 'export', '--study', study, '--out', join(work, 'seed.terrain'), '--full');
  terrain(b, 'bundle', 'import', join(work, 'seed.terrain'));
  // Concurrent edits of the same title; B's is later, so it is the value in force.
  terrain(a, 'record', 'set', 'study', study, 'title=Titre de A');
  terrain(b, 'record', 'set', 'study', study, 'title=Titre de B');
  terrain(a, 'bundle', 'export', '--study', study, '--out', join(usb, 'a.terrain'), '--full');
  terrain(b, 'bundle', 'export', '--study', study, '--out', join(usb, 'b.terrain'), '--full');

  driver = await Driver.start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  try {
    await s.click(await s.waitFor(id('nav-sync'), { timeout: 30000 }));
    await joinInApp(s, joinFile, invitation, 'Étude Ségou');

    // A bundle file typed in full is imported at once.
    await s.clear(id('bundle-path'));
    await s.type(id('bundle-path'), join(usb, 'a.terrain'));
    await s.click(id('bundle-import'));
    await s.waitFor(id('bundle-summary'), { timeout: 30000 });
    assert.equal(await s.text(`${id('bundle-summary')} ${id('summary-new-records')}`), '2');
    assert.equal(await s.attr(id('bundle-progress'), 'data-stage'), 'applying');

    // A folder lists its bundles to pick from.
    await s.clear(id('bundle-path'));
    await s.type(id('bundle-path'), usb);
    await s.click(id('bundle-import'));
    await s.waitUntil(async () => (await s.findAll(id('bundle-file'))).length === 2, { message: 'two bundles listed' });
    const files = await s.findAll(id('bundle-file'));
    let fromB = null;
    for (const f of files) if ((await s.text(f)).includes('b.terrain')) fromB = f;
    assert.ok(fromB, 'b.terrain listed');
    await s.click(await s.execute('return arguments[0].querySelector("button")', fromB));
    await s.waitForText(id('bundle-summary'), /Titre|Étude|Ségou/, { timeout: 30000 });

    // The conflict, both values side by side; keep the overwritten one.
    const row = await s.waitFor(id('conflict-row'));
    const shown = await s.text(row);
    assert.match(shown, /Titre de A/);
    assert.match(shown, /Titre de B/);
    assert.match(shown, /titre/);
    await s.click(`${id('conflict-pick')}[data-side="loser"]`);
    await s.waitForGone(id('conflict-row'));
    await s.click(id('nav-studies'));
    await s.waitForText('main', 'Titre de A');

    // The same bundle again is refused with a readable message.
    await s.click(id('nav-sync'));
    await s.clear(id('bundle-path'));
    await s.type(id('bundle-path'), join(usb, 'a.terrain'));
    await s.click(id('bundle-import'));
    await s.waitForText(id('error-message'), 'déjà été importé');

    // The study page lists its members (A, B and this laptop) with the study key's version; a
    // coordinator replaces the key after a confirmation, and the version moves on.
    await s.click(id('nav-studies'));
    await s.click(await s.waitFor(id('study-row')));
    await s.waitForText(id('key-version'), 'version 1');
    assert.equal((await s.findAll(id('member-row'))).length, 3, 'A, B and this laptop');
    await s.click(id('rekey'));
    await s.click(id('confirm-rekey'));
    await s.waitForText(id('key-version'), 'version 2');
    await s.screenshot(join(ARTIFACTS, 'members-rekeyed.png'));

    // An invitation written on the stick: a neutral name, the code in large type with the
    // fingerprints; a laptop joining with that code prints the same fingerprints.
    await s.clear(id('members-invite-folder'));
    await s.type(id('members-invite-folder'), usb);
    await s.click(id('members-invite'));
    const card = await s.waitFor(id('invitation'), { timeout: 30000 });
    const path = await s.attr(card, 'data-path');
    assert.match(path, /terrain-invitation-[0-9a-f]{8}\.json$/);
    const code = await s.attr(id('invitation-code'), 'data-code');
    assert.equal(code.split(' ').length, 8, code);
    const lines = await s.execute(
      `return [...document.querySelector('[data-testid="invitation-code"]').children]
         .map((line) => line.textContent.trim().split(' ').length);`,
    );
    assert.deepEqual(lines, [4, 4], 'two lines of four words');
    const studyFingerprint = (await s.text(id('invitation-study-fingerprint'))).trim();
    await s.execute('arguments[0].scrollIntoView({ block: "center" })', card);
    await s.screenshot(join(ARTIFACTS, 'invitation-code.png'));
    const joined = terrain(join(work, 'c.db'), 'study', 'join', path, '--code', code).split('\n');
    assert.equal(joined[1].split('\t')[1], studyFingerprint);
    assert.equal(joined[2].split('\t')[1], (await s.text(id('invitation-inviter-fingerprint'))).trim());
  } catch (err) {
    await s.screenshot(join(ARTIFACTS, 'sync-usb-failure.png')).catch(() => {});
    throw err;
  }
  await driver.stop();
  driver = null;
});
