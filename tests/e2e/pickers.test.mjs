// Path boxes on the real desktop binary (issue 14, finding 4). WebDriver cannot drive the
// platform's dialogs (native windows), so the typed path is the route tested here; the
// dialogs' wiring is tested in ui/src/lib/pickers.test.ts and the capability in src-tauri.
//   1. the USB folder box keeps exactly what is typed: emptied it stays empty (it used to refill
//      with the home folder, so typing /media/usb gave /root/media/usb), /tmp/x stays /tmp/x,
//      and a relative path is refused with a message that names it;
//   2. the USB sticks plugged in are listed as the CLI's `terrain drives` lists them (none on a
//      test machine: « Aucune clé USB branchée »), and refreshed on a button;
//   3. with a study joined through a typed join file, a bundle is imported from a typed folder,
//      and one written into another typed folder is read back by the laptop that invited us;
//   4. the study's report is saved as an HTML file where a typed path says (a relative one refused).
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/pickers.test.mjs
// Needs: target/debug/terrain (cargo build -p terrain-cli) and the app (cargo build -p terrain-app).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS, Driver, Keys, cliBinary } from './webdriver.mjs';

const END = '\uE010'; // WebDriver's End key
let driver;

after(async () => {
  await driver?.stop();
});

function terrain(db, ...args) {
  return execFileSync(cliBinary(), ['--db', db, ...args], {
    encoding: 'utf8',
    timeout: 60000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TERRAIN_LANG: 'en' },
  }).trim();
}

/** What `terrain study invite` prints: the path, the two fingerprints, the code on the last line. */
function invited(out) {
  const lines = out.split('\n');
  return { studyFingerprint: lines[1].split('\t')[1], code: lines[3] };
}

test('path boxes keep what is typed; USB sticks listed; a bundle to a typed folder is read back', { timeout: 240000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'terrain-e2e-pickers-'));
  const usb = join(work, 'usb');
  const out = join(work, 'out');
  mkdirSync(usb);
  mkdirSync(out);
  // The laptop that invites us: a study with a session, its join file and a full bundle on the stick.
  const b = join(work, 'b.db');
  const study = terrain(b, 'record', 'new', 'study', 'title=Étude Kayes');
  terrain(b, 'record', 'new', 'session', `study_id=${study}`, 'session_type=workshop', 'date=2026-04-01');
  const joinFile = join(work, 'invitation.json');
  const invitation = invited(terrain(b, 'study', 'invite', study, '--role', 'coordinator', '--out', joinFile));
  terrain(b, 'bundle', 'export', '--study', study, '--out', join(usb, 'de-b.terrain'), '--full');

  driver = await Driver.start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  try {
    await s.cmd('POST', '/window/rect', { width: 1366, height: 768 }).catch(() => {});
    await s.click(await s.waitFor(id('nav-sync'), { timeout: 30000 }));

    // 1. The folder box starts at a folder, then keeps exactly what is typed.
    const box = id('bundle-path');
    await s.waitUntil(async () => (await s.value(box)) !== '', { message: 'a folder is proposed at first' });
    // Emptied from the keyboard as a person does (each Backspace an input event).
    const proposed = await s.value(box);
    await s.click(box);
    await s.type(box, END + Keys.BACKSPACE.repeat(proposed.length));
    await sleep(500);
    assert.equal(await s.value(box), '', 'emptied, the box stays empty');
    await s.type(box, '/tmp/x');
    await sleep(300);
    assert.equal(await s.value(box), '/tmp/x');
    // A relative path is refused, named, with what to do instead; nothing is joined to it.
    await s.clear(box);
    await s.type(box, 'media/usb');
    await s.click(id('bundle-import'));
    await s.waitForText(id('error-message'), /« media\/usb » est incomplet.*Parcourir/);
    assert.equal(await s.value(box), 'media/usb', 'the box still holds what was typed');
    assert.ok(await s.find(id('bundle-path-browse')), 'a folder picker beside the box');
    assert.ok(await s.find(id('bundle-path-browse-file')), 'and a bundle picker');

    // 2. The USB sticks plugged in, as the CLI lists them.
    const sticks = JSON.parse(terrain(b, 'drives', '--json'));
    await s.waitFor(id('drives'));
    if (sticks.length === 0) {
      await s.waitForText(id('drives-none'), 'Aucune clé USB branchée');
    } else {
      await s.waitUntil(async () => (await s.findAll(id('drive'))).length === sticks.length, { message: 'every stick listed' });
      await s.click(id('drive'));
      assert.equal(await s.value(box), sticks[0].path, 'a click puts the stick in the box');
    }
    await s.click(id('drives-refresh'));
    await s.waitFor(id('drives'));
    await s.screenshot(join(ARTIFACTS, 'pickers-1366.png'));

    // 3. Join with a typed join file, import from a typed folder.
    await s.clear(id('join-path'));
    await s.type(id('join-path'), joinFile);
    await s.type(id('join-code'), invitation.code);
    await s.click(id('join-study'));
    await s.waitFor(id('join-preview'), { timeout: 30000 });
    assert.equal((await s.text(id('join-study-fingerprint'))).trim(), invitation.studyFingerprint);
    await s.click(id('join-confirm'));
    await s.waitForText(id('team-done'), 'Étude Kayes');

    await s.clear(box);
    await s.type(box, usb);
    await s.click(id('bundle-import'));
    await s.click(await s.waitFor(id('bundle-file-import'), { timeout: 30000 }));
    await s.waitForText(id('bundle-summary'), 'Étude Kayes', { timeout: 30000 });

    // A bundle written into a typed folder: the file is there, and the inviting laptop reads it.
    await s.clear(box);
    await s.type(box, out);
    await s.waitUntil(async () => (await s.findAll(`${id('bundle-study')} option`)).length > 0, { message: 'a study to export' });
    await s.click(id('bundle-export'));
    await s.waitForText(id('bundle-written'), out, { timeout: 30000 });
    assert.equal(await s.value(box), out, 'the box keeps the folder written to');
    const written = readdirSync(out).filter((n) => n.endsWith('.terrain'));
    assert.equal(written.length, 1, `one bundle in ${out}: ${written}`);
    const readBack = terrain(b, 'bundle', 'import', join(out, written[0]));
    assert.match(readBack, /already known \d+/, readBack);

    // The study's report saved where a typed path says: a relative one refused, a full one
    // written (".html" added), the document holding the study.
    await s.click(id('nav-dashboard'));
    await s.selectOption(await s.waitFor(id('dash-filter-study'), { timeout: 30000 }), 'Étude Kayes');
    await s.click(id('dash-report'));
    await s.waitForText(id('report-doc'), /Étude Kayes/, { timeout: 30000 });
    await s.click(id('report-save'));
    assert.ok(await s.find(id('report-save-path-browse')), 'a save dialog beside the box');
    await s.type(id('report-save-path'), 'rapport.html');
    await s.click(id('report-save-do'));
    await s.waitForText(id('error-message'), /« rapport\.html » est incomplet/);
    await s.clear(id('report-save-path'));
    await s.type(id('report-save-path'), join(out, 'rapport'));
    await s.click(id('report-save-do'));
    await s.waitForText(id('report-saved'), join(out, 'rapport.html'));
    assert.match(readFileSync(join(out, 'rapport.html'), 'utf8'), /Étude Kayes/);
    await s.screenshot(join(ARTIFACTS, 'pickers-report.png'));
    await s.click(id('nav-sync'));
    await s.waitFor(id('bundle-path'));

    // At 1024×600 the USB panel's box and its pickers fit in the panel.
    await s.cmd('POST', '/window/rect', { width: 1024, height: 600 }).catch(() => {});
    await sleep(300);
    // (The whole screen's width at 1024 px is screens14's test; here, the box and its buttons.)
    for (const button of ['bundle-path-browse-file', 'join-path-browse-file', 'invite-folder-browse']) {
      const past = await s.execute(
        `const b = document.querySelector('[data-testid="' + arguments[0] + '"]');
         return b.getBoundingClientRect().right - b.closest('.panel').getBoundingClientRect().right;`,
        button,
      );
      assert.ok(past <= 0, `${button} stays inside its panel at 1024 px (${past} px out)`);
    }
    await s.execute(`document.querySelector('[data-testid="join-path"]').scrollIntoView({ block: 'center' })`);
    await s.screenshot(join(ARTIFACTS, 'pickers-1024.png'));
  } catch (err) {
    await s.screenshot(join(ARTIFACTS, 'pickers-failure.png')).catch(() => {});
    throw err;
  }
  await driver.stop();
  driver = null;
});

// The dialog plugin as the window is allowed to use it: a folder dialog opens (it waits for the
// person, where a refused call would fail at once), a message box is refused: the capability
// grants `dialog:allow-open` and `dialog:allow-save`, nothing else of the plugin.
test('the window may open the folder dialog and not the plugin\'s message boxes', { timeout: 120000 }, async () => {
  driver = await Driver.start();
  const s = await driver.newSession();
  try {
    await s.waitFor(s.byTestId('nav-sync'), { timeout: 30000 });
    const outcome = (command, args) =>
      s.cmd('POST', '/execute/async', {
        script: `const [command, args, done] = arguments;
          Promise.race([
            window.__TAURI_INTERNALS__.invoke(command, args).then(
              () => 'answered',
              (e) => 'refused: ' + (typeof e === 'string' ? e : JSON.stringify(e)),
            ),
            new Promise((res) => setTimeout(() => res('waiting'), 2500)),
          ]).then(done);`,
        args: [command, args],
      });
    const message = await outcome('plugin:dialog|message', { message: 'x', title: 'x', kind: 'info' });
    assert.match(message, /^refused: .*not allowed/i, message);
    const ask = await outcome('plugin:dialog|ask', { message: 'x', title: 'x', kind: 'info' });
    assert.match(ask, /^refused: .*not allowed/i, ask);
    assert.equal(await outcome('plugin:dialog|open', { options: { directory: true, multiple: false } }), 'waiting');
  } finally {
    await driver.stop();
    driver = null;
  }
});
