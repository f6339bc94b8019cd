// A day's screens without a surprise (issue 14, findings 2, 7 and 8): typed work is never lost
// by moving elsewhere (the app asks, « Rester » keeps the text, « Quitter sans enregistrer »
// leaves) nor by the lock; Enter in a form goes to the next field and Ctrl+Enter saves; the
// focus lands on the first field or the heading, never on the page, after a delete too; and at
// 1024×600 no screen scrolls sideways, in French and in English, and the export dialog keeps
// « Exporter » in view.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/screens.test.mjs
// Screenshots of every screen at both sizes go to tests/e2e/artifacts/screens/.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { ARTIFACTS, Driver, Keys } from './webdriver.mjs';

const SHOTS = join(ARTIFACTS, 'screens');
const PASS = 'la pluie tombe sur Mopti';

let driver;

afterEach(async () => {
  await driver?.stop();
  driver = null;
});

/** The test id of the focused element, '' for one without, 'BODY' when the focus is lost. */
async function focused(s) {
  return s.execute(
    `const a = document.activeElement;
     if (!a || a === document.body) return 'BODY';
     return a.dataset.testid ?? a.tagName;`,
  );
}

async function focusIs(s, want, message) {
  await s.waitUntil(async () => (await focused(s)) === want, {
    timeout: 5000,
    message: `${message} (focus on ${want}; it is on ${await focused(s)})`,
  });
}

async function newStudy(s, title) {
  const id = (x) => s.byTestId(x);
  await s.click(id('nav-studies'));
  await s.click(id('new-study'));
  await focusIs(s, 'study-title', 'after « Nouvelle étude », the title');
  await s.type(id('study-title'), title);
  await s.click(id('save-study'));
  await s.waitForText(id('study-heading'), title);
}

test('leaving the session form with edits asks: « Rester » keeps the text, « Quitter » leaves', { timeout: 240000 }, async () => {
  driver = await Driver.start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await newStudy(s, 'Consultations de Kati');

  // « Nouvelle séance »: the cursor waits in the first field to fill (the study is chosen).
  await s.click(id('new-session'));
  await focusIs(s, 'session-type', 'after « Nouvelle séance », the first field');

  // Enter in a text box goes to the next field; nothing is saved.
  await s.type(id('session-title'), 'Réunion du matin' + Keys.ENTER);
  await s.waitUntil(async () => (await focused(s)) !== 'session-title', { message: 'Enter moves on' });
  assert.ok(await s.find(id('save-session')), 'still on the form after Enter');
  await s.type(id('session-notes'), 'Les femmes parlent de la route.');

  // The side bar: the app asks, « Rester » is focused, and keeps everything typed.
  await s.click(id('nav-sessions'));
  await s.waitFor(id('leave-dialog'));
  assert.match(await s.text(id('leave-dialog')), /Quitter sans enregistrer/);
  await focusIs(s, 'leave-stay', 'the safe answer first');
  await s.screenshot(join(SHOTS, 'leave-dialog-fr.png'));
  await s.click(id('leave-stay'));
  await s.waitForGone(id('leave-dialog'));
  assert.equal(await s.value(id('session-title')), 'Réunion du matin');
  assert.equal(await s.value(id('session-notes')), 'Les femmes parlent de la route.');

  // Escape is « Rester » too; the focus goes back to what opened the dialog (« Retour »).
  await s.click('main .screen-head button.link');
  await s.waitFor(id('leave-dialog'));
  await s.type(id('leave-stay'), Keys.ESCAPE);
  await s.waitForGone(id('leave-dialog'));
  const back = await s.execute('return document.activeElement?.textContent ?? ""');
  assert.match(back, /Retour/, 'the focus is back on « Retour »');
  assert.equal(await s.value(id('session-notes')), 'Les femmes parlent de la route.');

  // « Quitter sans enregistrer »: the move happens and nothing was saved.
  await s.click('main .screen-head button.link');
  await s.click(id('leave-confirm'));
  await s.waitFor(id('study-heading'));
  assert.equal((await s.findAll('.session-line:not(.head)')).length, 0, 'no session was saved');

  // Nothing typed, nothing asked.
  await s.click(id('new-session'));
  await s.waitFor(id('session-type'));
  await s.click(id('nav-studies'));
  await s.waitFor(id('new-study'));
  assert.equal(await s.find(id('leave-dialog')), null);
  // A screen opened from the side bar lands on its heading: the next Tab starts there.
  await focusIs(s, 'H2', 'the heading of the screen just opened');

  // Ctrl+Enter saves from a text box; the new session opens on the attendance entry row.
  await s.click(id('study-row'));
  await s.click(id('new-session'));
  await s.type(id('session-title'), 'Après-midi' + Keys.CONTROL + Keys.ENTER);
  await s.waitFor(id('session-heading'));
  await focusIs(s, 'att-sex', 'a new session opens on the first box of the attendance row');

  // Findings: the form opens on its first field; after a delete the focus goes to the next one.
  for (const theme of ['Routes', 'Marchés']) {
    await s.click(id('new-finding'));
    await focusIs(s, 'finding-theme', 'a new finding starts on its theme');
    await s.type(id('finding-theme'), theme);
    await s.type(id('finding-text'), `Constat sur ${theme.toLowerCase()}.`);
    // A finding typed but not saved holds the screen too.
    if (theme === 'Routes') {
      await s.click(id('nav-dashboard'));
      await s.click(id('leave-stay'));
      await s.waitForGone(id('leave-dialog'));
    }
    // Saved with the button, then from the keyboard (Ctrl+S in the text).
    if (theme === 'Routes') await s.click(id('save-finding'));
    else await s.type(id('finding-text'), Keys.CONTROL + 's');
    await s.waitUntil(async () => !(await s.find(id('save-finding'))), { message: 'finding saved' });
  }
  const rows = await s.findAll(id('finding-row'));
  assert.equal(rows.length, 2);
  await s.click(`${id('finding-row')} ${id('delete-button')}`);
  await s.click(id('confirm-delete'));
  await s.waitUntil(async () => (await s.findAll(id('finding-row'))).length === 1, { message: 'one finding left' });
  const after = await s.execute(
    `const a = document.activeElement;
     return a && a !== document.body ? (a.closest('[data-testid="finding-row"]')?.textContent ?? a.tagName) : 'BODY';`,
  );
  assert.match(after, /Marchés/, 'the focus went to the next finding, not to the page');

  // From the sessions list, with two studies and no study filter, the form asks which study:
  // the cursor waits on the choice and saving without one is refused, naming the field.
  await newStudy(s, 'Consultations de Ségou');
  await s.click(id('nav-sessions'));
  await s.click(id('sessions-new'));
  await focusIs(s, 'session-study', 'the study to choose first');
  assert.equal(await s.value(id('session-study')), '');
  await s.click(id('save-session'));
  await s.waitForText(id('error-message'), /étude/i);
});

test('the lock keeps typed work: it waits behind the door and comes back after unlock', { timeout: 240000 }, async () => {
  driver = await Driver.start({ plainStore: false });
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('door-new'), { timeout: 30000 });
  await s.type(id('new-passphrase'), PASS);
  await s.type(id('confirm-passphrase'), PASS);
  await s.click(id('passphrase-submit'));
  await s.click(id('recovery-noted'));
  await s.click(id('recovery-done'));
  await s.waitFor(id('nav-studies'), { timeout: 30000 });

  // A study title half typed, then the lock: nothing shows, the door says the work waits.
  await s.click(id('new-study'));
  await s.type(id('study-title'), 'Étude de Gao, mars');
  await s.click(id('lock-now'));
  await s.waitFor(id('door-locked'));
  await s.waitFor(id('door-held-work'));
  assert.equal(await s.displayed(id('study-title')), false, 'nothing of the screen shows while locked');
  await s.screenshot(join(SHOTS, 'locked-with-work-fr.png'));
  await s.type(id('unlock-passphrase'), PASS);
  await s.click(id('unlock'));
  await s.waitFor(id('study-title'), { timeout: 30000 });
  assert.equal(await s.value(id('study-title')), 'Étude de Gao, mars');
  await focusIs(s, 'study-title', 'the cursor back in its field after unlock');

  // Saved, then locked again: no work waits, and the screen is read again after unlock.
  await s.click(id('save-study'));
  await s.waitForText(id('study-heading'), 'Étude de Gao, mars');
  await s.click(id('lock-now'));
  await s.waitFor(id('door-locked'));
  assert.equal(await s.find(id('door-held-work')), null);
  assert.equal(await s.find(id('nav-studies')), null, 'the screen is gone while locked');
  await s.type(id('unlock-passphrase'), PASS);
  await s.click(id('unlock'));
  await s.waitForText(id('study-heading'), 'Étude de Gao, mars', { timeout: 30000 });
});

/** Every screen of the app, reached by clicks from the side bar, with demo data. */
const SCREENS = [
  ['studies', async (s, id) => { await s.click(id('nav-studies')); await s.waitFor(id('study-row')); }],
  ['study', async (s, id) => { await s.click(id('study-row')); await s.waitFor(id('study-heading')); }],
  ['session-new', async (s, id) => { await s.click(id('new-session')); await s.waitFor(id('session-type')); }],
  ['sessions', async (s, id) => { await s.click(id('nav-sessions')); await s.waitFor('button.session-line:not(.head)'); }],
  ['session', async (s, id) => { await s.click('button.session-line:not(.head)'); await s.waitFor(id('att-sex')); }],
  ['session-edit', async (s, id) => { await s.click(id('edit-session')); await s.waitFor(id('session-type')); }],
  ['deleted', async (s, id) => { await s.click(id('nav-deleted')); await s.waitFor('main h2'); }],
  ['sync', async (s, id) => { await s.click(id('nav-sync')); await s.waitFor(id('share-form')); }],
  ['dashboard', async (s, id) => { await s.click(id('nav-dashboard')); await s.waitFor(id('dash-sessions')); }],
  ['export', async (s, id) => {
    await s.click(id('dash-export'));
    await s.waitFor(id('export-dialog'));
    await s.click(id('export-anonymised'));
  }],
  ['report', async (s, id) => {
    await s.click(id('export-close'));
    const study = await s.execute(`return document.querySelector('[data-testid="dash-filter-study"]').options[1].value;`);
    await s.selectOption(id('dash-filter-study'), study);
    await s.click(id('dash-report'));
    await s.waitFor(id('report-doc'), { timeout: 20000 });
  }],
  ['settings', async (s, id) => { await s.click(id('nav-settings')); await s.waitFor(id('lang-select')); }],
];

test('at 1024×600 and 1366×768 no screen scrolls sideways, in French and English', { timeout: 420000 }, async () => {
  driver = await Driver.start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.click(id('load-demo'));
  await s.waitFor(id('study-row'), { timeout: 60000 });

  const wide = [];
  for (const [w, h] of [[1024, 600], [1366, 768]]) {
    await s.cmd('POST', '/window/rect', { width: w, height: h });
    await s.waitUntil(async () => (await s.execute('return innerWidth')) === w, { message: `window ${w} wide` });
    for (const lang of ['fr', 'en']) {
      await s.click(id('nav-settings'));
      await s.selectOption(id('lang-select'), lang);
      await s.waitForText(id('nav-studies'), lang === 'fr' ? 'Études' : 'Studies');
      for (const [name, reach] of SCREENS) {
        await reach(s, id);
        // Charts and lists settle (a dashboard draws in the next frames).
        await new Promise((r) => setTimeout(r, 400));
        const m = await s.execute(
          `return { doc: document.documentElement.scrollWidth, win: innerWidth };`,
        );
        await s.screenshot(join(SHOTS, `${w}x${h}-${lang}-${name}.png`));
        if (m.doc > m.win) wide.push(`${w}x${h} ${lang} ${name}: ${m.doc} px in ${m.win}`);
        if (name === 'export') {
          // « Exporter » stays inside the dialog and the window, the options scroll above it.
          const r = await s.execute(
            `const b = document.querySelector('[data-testid="export-start"]').getBoundingClientRect();
             const d = document.querySelector('[data-testid="export-dialog"]').getBoundingClientRect();
             return { bottom: b.bottom, dialog: d.bottom, win: innerHeight };`,
          );
          assert.ok(r.bottom <= r.dialog && r.dialog <= r.win, `${w}x${h} ${lang}: « Exporter » in view: ${JSON.stringify(r)}`);
        }
      }
    }
  }
  assert.deepEqual(wide, [], 'screens wider than the window');
});
