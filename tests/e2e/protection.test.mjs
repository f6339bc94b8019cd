// A laptop's store protected at rest, as a person meets it: the first start creates the store
// with a passphrase (a strength hint, twelve recovery words to tick off), the app locks by hand
// and opens again only with the right passphrase, a relaunch starts locked, and the data folder
// holds nothing readable. Then a plain store (a demonstration) is converted from Settings.
//
// Run: xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver } from './webdriver.mjs';

const PASS = 'la pluie tombe sur Mopti';
const TITLE = 'Étude canari de Tombouctou';

let driver;

after(async () => {
  await driver?.stop();
});

/** The files of the data directory whose bytes hold `text` (UTF-8). */
function filesHolding(dir, text) {
  const needle = Buffer.from(text, 'utf8');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => statSync(p).isFile() && readFileSync(p).includes(needle));
}

test('create an encrypted store, lock, unlock, relaunch locked, find the data', { timeout: 240000 }, async () => {
  driver = await Driver.start({ plainStore: false });
  let s = await driver.newSession();
  const id = (x) => s.byTestId(x);

  // First start: the door, in French, asks for a passphrase.
  await s.waitFor(id('door-new'), { timeout: 30000 });
  await s.type(id('new-passphrase'), 'court');
  await s.waitForText(id('passphrase-strength'), /trop courte/);
  await s.clear(id('new-passphrase'));
  await s.type(id('new-passphrase'), PASS);
  await s.waitForText(id('passphrase-strength'), /solide/);
  await s.type(id('confirm-passphrase'), PASS);
  await s.click(id('passphrase-submit'));

  // The recovery words, once; "continue" waits for the box to be ticked.
  await s.waitFor(id('recovery-words'), { timeout: 30000 });
  const listed = await s.findAll(`${id('recovery-words')} li`);
  assert.equal(listed.length, 12);
  assert.equal(await s.attr(id('recovery-done'), 'disabled'), 'true');
  await s.screenshot(join(ARTIFACTS, 'recovery-words.png'));
  await s.click(id('recovery-noted'));
  await s.click(id('recovery-done'));

  // Work as usual.
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  assert.equal(await s.find(id('plain-banner')), null, 'no "not encrypted" banner');
  await s.click(id('new-study'));
  await s.type(id('study-title'), TITLE);
  await s.click(id('save-study'));
  await s.waitForText(id('study-heading'), TITLE);

  // Settings: encrypted, locks after 15 minutes unless told otherwise.
  await s.click(id('nav-settings'));
  await s.waitFor(id('encrypted-yes'));
  assert.equal(await s.value(id('idle-lock-select')), '15');

  // Locked by hand: nothing of the data shows, a wrong passphrase is refused and changes nothing.
  await s.click(id('lock-now'));
  await s.waitFor(id('door-locked'));
  assert.equal(await s.find(id('nav-studies')), null);
  await s.type(id('unlock-passphrase'), 'la pluie tombe sur Gao');
  await s.click(id('unlock'));
  await s.waitForText(id('error-message'), /incorrecte/, { timeout: 30000 });
  await s.screenshot(join(ARTIFACTS, 'locked-wrong-passphrase.png'));
  await s.clear(id('unlock-passphrase'));
  await s.type(id('unlock-passphrase'), PASS);
  await s.click(id('unlock'));
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  await s.click(id('nav-studies'));
  await s.waitForText('main', TITLE);

  // Quit and relaunch: the app starts locked.
  await s.deleteSession();
  s = await driver.newSession();
  await s.waitFor(id('door-locked'), { timeout: 30000 });
  assert.deepEqual(filesHolding(driver.dataDir, TITLE), [], 'the title is nowhere in clear');
  await s.type(id('unlock-passphrase'), PASS);
  await s.click(id('unlock'));
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  await s.click(id('nav-studies'));
  await s.waitForText('main', TITLE);
  await s.deleteSession();
});

test('a plain store is converted from Settings and starts locked afterwards', { timeout: 240000 }, async () => {
  await driver?.stop();
  driver = await Driver.start();
  let s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('plain-banner'), { timeout: 30000 });
  await s.click(id('new-study'));
  await s.type(id('study-title'), TITLE);
  await s.click(id('save-study'));
  await s.waitForText(id('study-heading'), TITLE);
  assert.notDeepEqual(filesHolding(driver.dataDir, TITLE), [], 'a plain store holds the title in clear');

  await s.click(`${id('plain-banner')} button`);
  await s.waitFor(id('encrypted-no'));
  await s.type(id('new-passphrase'), PASS);
  await s.type(id('confirm-passphrase'), PASS);
  await s.click(id('passphrase-submit'));
  await s.waitFor(id('recovery-words'), { timeout: 30000 });
  await s.click(id('recovery-noted'));
  await s.click(id('recovery-done'));
  await s.waitFor(id('encrypted-yes'));
  await s.waitForGone(id('plain-banner'));
  assert.deepEqual(filesHolding(driver.dataDir, TITLE), [], 'converted: the title is nowhere in clear');

  await s.deleteSession();
  s = await driver.newSession();
  await s.waitFor(id('door-locked'), { timeout: 30000 });
  await s.type(id('unlock-passphrase'), PASS);
  await s.click(id('unlock'));
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  await s.click(id('nav-studies'));
  await s.waitForText('main', TITLE);
  await s.deleteSession();
});
