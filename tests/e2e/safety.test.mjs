// Safety nets (issue 14, item 15), as a field user meets them: the first-run guide on an empty
// store leads to « Nouvelle étude » and on through the steps, hides and comes back from
// Settings; a (?) beside jargon opens its explanation from the keyboard; a backup written from
// Settings to a typed path holds nothing in clear, a wrong passphrase restores nothing, and the
// backup brings the data back on a new laptop (the app's first screen) and through the CLI.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/safety.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, Keys, REPO } from './webdriver.mjs';

const TITLE = 'Étude sauvegardée de Ségou';
const PASS = 'la sauvegarde du marché';
const CLI = join(process.env.CARGO_TARGET_DIR ?? join(REPO, 'target'), 'debug', 'terrain');

const drivers = [];

after(async () => {
  for (const d of drivers) await d.stop().catch(() => {});
});

async function start(opts = {}) {
  const driver = await Driver.start(opts);
  drivers.push(driver);
  return driver;
}

/** Sizes the window as a 1366×768 laptop or a 1024×600 netbook. */
async function resize(s, width, height) {
  await s.cmd('POST', '/window/rect', { width, height });
}

/** Whether the page scrolls sideways (its width beyond the window's). */
async function scrollsSideways(s) {
  return s.execute('return document.documentElement.scrollWidth > window.innerWidth + 1;');
}

test('the guide shows on an empty store, leads to « Nouvelle étude » and on, hides and comes back', { timeout: 240000 }, async () => {
  const driver = await start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);

  await s.waitFor(id('guide'), { timeout: 30000 });
  await s.waitForText(id('guide'), 'Premiers pas');
  for (const [w, h] of [[1366, 768], [1024, 600]]) {
    await resize(s, w, h);
    await s.screenshot(join(ARTIFACTS, `guide-${w}x${h}.png`));
    assert.equal(await scrollsSideways(s), false, `the guide fits ${w}×${h}`);
  }
  await resize(s, 1366, 768);
  // Without a study, the later steps wait for the first.
  assert.equal(await s.attr(id('guide-new-session'), 'disabled'), 'true');

  await s.click(id('guide-new-study'));
  await s.type(id('study-title'), TITLE);
  await s.click(id('save-study'));
  await s.waitForText(id('study-heading'), TITLE);

  // Back on the studies: the guide stays until dismissed, step 1 done, step 2 open.
  await s.click(id('nav-studies'));
  await s.waitForText(id('guide'), /fait/);
  await s.click(id('guide-new-session'));
  // The session editor, for that study.
  await s.waitFor(id('session-type'), { timeout: 15000 });

  await s.click(id('nav-studies'));
  await s.click(id('guide-dismiss'));
  await s.waitForGone(id('guide'));
  await s.deleteSession();

  // Dismissed for good: a relaunch does not show it; Settings shows it again.
  const again = await driver.newSession();
  const id2 = (x) => again.byTestId(x);
  await again.waitFor(id2('study-row'), { timeout: 30000 });
  assert.equal(await again.find(id2('guide')), null);
  await again.click(id2('nav-settings'));
  await again.click(id2('guide-reopen'));
  await again.waitFor(id2('guide'));
  await again.deleteSession();
});

test('a help bubble opens from the keyboard with its text, and Escape closes it', { timeout: 240000 }, async () => {
  const driver = await start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-sync'), { timeout: 30000 });
  await s.click(id('nav-sync'));
  await s.waitFor(id('help-hub'));
  assert.equal(await s.attr(id('help-hub'), 'aria-label'), 'Aide : hub');

  // Keyboard only: focus the (?) and press Enter.
  await s.execute(`document.querySelector('[data-testid="help-hub"]').focus();`);
  await s.type(await s.active(), Keys.ENTER);
  const text = await s.waitForText(id('help-bubble'), /hub est un ordinateur/);
  assert.match(text, /synchronisent/);
  await resize(s, 1024, 600);
  await s.screenshot(join(ARTIFACTS, 'help-hub-1024x600.png'));
  await resize(s, 1366, 768);
  await s.type(await s.active(), Keys.ESCAPE);
  await s.waitForGone(id('help-bubble'));

  // Each word of jargon on the Sync screen has its (?).
  for (const term of ['hub', 'bundle', 'relay', 'study_key', 'invitation_code']) {
    assert.ok(await s.find(id(`help-${term}`)), `help for ${term}`);
  }
  await s.click(id('help-bundle'));
  await s.waitForText(id('help-bubble'), /clé USB/);
  await s.deleteSession();
});

test('a backup from Settings restores on a new laptop and through the CLI; a wrong passphrase restores nothing', { timeout: 300000 }, async () => {
  const driver = await start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  const inBackup = (x) => `${id('backup-panel')} ${id(x)}`;
  const usb = mkdtempSync(join(tmpdir(), 'terrain-usb-'));
  const file = join(usb, 'terrain-sauvegarde.terrain-backup');

  await s.waitFor(id('new-study'), { timeout: 30000 });
  await s.click(id('new-study'));
  await s.type(id('study-title'), TITLE);
  await s.click(id('save-study'));
  await s.waitForText(id('study-heading'), TITLE);

  // Settings: a plain store's backup asks a passphrase of its own, and shows its words once.
  await s.click(id('nav-settings'));
  await s.waitFor(inBackup('backup-path'));
  assert.match(await s.value(inBackup('backup-path')), /terrain-sauvegarde-\d{4}-\d{2}-\d{2}\.terrain-backup$/);
  await s.clear(inBackup('backup-path'));
  await s.type(inBackup('backup-path'), file);
  await s.type(inBackup('new-passphrase'), PASS);
  await s.type(inBackup('confirm-passphrase'), PASS);
  await s.click(inBackup('passphrase-submit'));
  await s.waitFor(inBackup('recovery-words'), { timeout: 60000 });
  await s.waitForText(inBackup('backup-done'), file);
  await s.screenshot(join(ARTIFACTS, 'backup-words-1366x768.png'));
  await s.click(inBackup('recovery-noted'));
  await s.click(inBackup('recovery-done'));
  assert.ok(existsSync(file));
  assert.equal(readFileSync(file).includes(Buffer.from(TITLE, 'utf8')), false, 'nothing in clear');

  // A wrong passphrase: described first, then refused; the data here stays.
  await s.type(id('restore-path'), file);
  await s.type(id('restore-passphrase'), 'pas la bonne phrase');
  await s.click(id('restore-submit'));
  await s.waitForText(id('restore-confirm-text'), /remplace toutes les données/);
  await resize(s, 1024, 600);
  await s.screenshot(join(ARTIFACTS, 'restore-confirm-1024x600.png'));
  assert.equal(await scrollsSideways(s), false, 'Settings fits 1024×600');
  await resize(s, 1366, 768);
  await s.click(id('restore-confirm'));
  await s.waitForText(`${id('backup-panel')} ${id('error-message')}`, /incorrecte/, { timeout: 60000 });
  await s.click(id('nav-studies'));
  await s.waitForText('main', TITLE);
  await s.deleteSession();

  // A new laptop: its first screen restores the backup, and the study is back.
  const fresh = await start({ plainStore: false });
  const n = await fresh.newSession();
  const nid = (x) => n.byTestId(x);
  await n.waitFor(nid('door-new'), { timeout: 30000 });
  await n.click(nid('door-restore'));
  await n.type(nid('restore-path'), file);
  await n.type(nid('restore-passphrase'), PASS);
  await n.click(nid('restore-submit'));
  await n.waitForText(nid('restore-confirm-text'), /deviendront celles de cet ordinateur/);
  await n.screenshot(join(ARTIFACTS, 'door-restore-1366x768.png'));
  await n.click(nid('restore-confirm'));
  await n.waitFor(nid('nav-studies'), { timeout: 60000 });
  await n.click(nid('nav-studies'));
  await n.waitForText('main', TITLE);
  // Restored encrypted: no "not encrypted" banner, and Settings says so.
  assert.equal(await n.find(nid('plain-banner')), null);
  await n.deleteSession();

  // The command line restores it too, into a fresh data folder.
  const dir = mkdtempSync(join(tmpdir(), 'terrain-cli-restore-'));
  const db = join(dir, 'terrain.db');
  const env = { ...process.env, TERRAIN_PASSPHRASE: PASS, TERRAIN_LANG: 'fr' };
  const said = execFileSync(CLI, ['--db', db, 'restore', file], { env }).toString();
  assert.match(said, /nouvelle identité d'appareil/);
  const dump = execFileSync(CLI, ['--db', db, 'dump', '--json'], { env }).toString();
  assert.ok(dump.includes(TITLE));
});
