// Typing a session's attendance and tally from the keyboard, on the real desktop binary, as an
// enumerator does with a paper sheet (issue 14, findings 3, 5, 6, 9 and the duplicate-code
// warning): 30 lines typed with keys only (no mouse, no script setting values); consent asked
// again on every line while sex and actor group carry over, marked as such; the headers and
// the running count « 30 lignes · 16 F / 14 H » in view while typing line 30, at 1366×768 and
// 1024×600; Escape; undo of the last line by Ctrl+Z and by its button; a duplicate code named
// before saving; the tally saved by Enter with its totals, a negative refused at its cell.
//
// The keystrokes of the 30 lines are counted and printed, beside what the same lines cost in
// the former row (native selects, values carried silently), replayed by its rules.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/entry.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, Keys, cliBinary } from './webdriver.mjs';

const SEGOU = 'e0d688fc-e603-5e02-b219-f93037ae2eff'; // a commune of the Ségou region

// The paper sheet: 16 women of an association, then 14 men of several groups. `band` when the
// sheet gives no exact age; three consents that are not « Donné ».
const W = 'female';
const M = 'male';
const sheet = [
  { sex: W, age: '34', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '27', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '45', actor: 'womens_association', consent: 'refused' },
  { sex: W, age: '19', actor: 'womens_association', consent: 'given' },
  { sex: W, band: '25_35', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '52', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '38', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '61', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '23', actor: 'youth', consent: 'given' },
  { sex: W, age: '21', actor: 'youth', consent: 'given' },
  { sex: W, age: '40', actor: 'womens_association', consent: 'given' },
  { sex: W, band: '36_59', actor: 'womens_association', consent: 'withdrawn' },
  { sex: W, age: '29', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '33', actor: 'womens_association', consent: 'given' },
  { sex: W, age: '47', actor: 'religious_authority', consent: 'given' },
  { sex: W, age: '56', actor: 'womens_association', consent: 'given' },
  { sex: M, age: '35', actor: 'police', consent: 'given' },
  { sex: M, age: '42', actor: 'police', consent: 'given' },
  { sex: M, age: '28', actor: 'police', consent: 'refused' },
  { sex: M, age: '66', actor: 'traditional_authority', consent: 'given' },
  { sex: M, age: '71', actor: 'traditional_authority', consent: 'given' },
  { sex: M, age: '58', actor: 'religious_authority', consent: 'given' },
  { sex: M, age: '24', actor: 'youth', consent: 'given' },
  { sex: M, age: '20', actor: 'youth', consent: 'given' },
  { sex: M, band: '18_24', actor: 'youth', consent: 'given' },
  { sex: M, age: '50', actor: 'administrative_authority', consent: 'given' },
  { sex: M, age: '44', actor: 'administrative_authority', consent: 'given' },
  { sex: M, age: '39', actor: 'civil_society', consent: 'given' },
  { sex: M, age: '31', actor: 'civil_society', consent: 'given' },
  { sex: M, band: '60_plus', actor: 'traditional_authority', consent: 'given' },
];

// What to type to find each choice in the French row (see lib/quickchoice.ts).
const typedFor = {
  sex: { female: 'f', male: 'h' },
  consent: { given: 'd', refused: 'r', withdrawn: 'ret' },
  band: { '18_24': '1', '25_35': '2', '36_59': '3', '60_plus': '6' },
  actor: {
    womens_association: 'a',
    youth: 'j',
    police: 'p',
    religious_authority: 'rel',
    traditional_authority: 'tra',
    administrative_authority: 'aut',
    civil_society: 's',
  },
};

/** The keys of one line in the new row, from the cursor on « Sexe »: a carried value is
 *  passed by Tab, consent is typed every time, Enter saves as soon as the rest is right. */
function newRowKeys(p, row) {
  const k = [];
  if (row.sex !== p.sex) k.push(typedFor.sex[p.sex]);
  k.push(Keys.TAB);
  if (p.age) k.push(...p.age, Keys.TAB); // the band box is off when an age is typed
  else k.push(Keys.TAB, ...(p.band ? typedFor.band[p.band] : ''), Keys.TAB);
  k.push(...typedFor.consent[p.consent]);
  if (row.actor !== p.actor) k.push(Keys.TAB, ...typedFor.actor[p.actor]);
  k.push(Keys.ENTER);
  return k;
}

// The former row, replayed by its rules on the same sheet: native selects in the order code,
// sex, age, band, actor group, institution, role, consent; the cursor back on « Sexe »; every
// select kept its value; a select's type-ahead steps through the labels that begin with the
// letter pressed, one press each. Same strategy: Tab to what must change, Enter when done.
const FR = {
  sex: ['Femme', 'Homme'],
  band: ['—', 'Moins de 18 ans', '18–24 ans', '25–35 ans', '36–59 ans', '60 ans et plus'],
  actor: ['—', 'Association de femmes', 'Jeunes', 'Police', 'Gendarmerie', 'Garde nationale', 'Forces armées', 'Protection civile', 'Autorité administrative', 'Autorité religieuse', 'Autorité traditionnelle', 'Autorité politique', 'Société civile', 'Déplacé·e / réfugié·e', 'Autre'],
  consent: ['Donné', 'Refusé', 'Retiré', 'Inconnu'],
};
const VALUES = {
  sex: ['female', 'male'],
  band: ['', 'under_18', '18_24', '25_35', '36_59', '60_plus'],
  actor: ['', 'womens_association', 'youth', 'police', 'gendarmerie', 'national_guard', 'armed_forces', 'civil_protection', 'administrative_authority', 'religious_authority', 'traditional_authority', 'political_authority', 'civil_society', 'displaced_refugee', 'other'],
  consent: ['given', 'refused', 'withdrawn', 'unknown'],
};
function typeAheadPresses(list, from, to) {
  const labels = FR[list];
  const at = VALUES[list].indexOf(from);
  const want = VALUES[list].indexOf(to);
  if (at === want) return 0;
  const letter = labels[want][0].toLowerCase();
  const same = labels.map((l, i) => [l, i]).filter(([l]) => l[0].toLowerCase() === letter).map(([, i]) => i);
  // From the current label, each press moves to the next label with that letter, wrapping.
  let i = same.includes(at) ? same.indexOf(at) : -1;
  let presses = 0;
  do {
    i = (i + 1) % same.length;
    presses += 1;
  } while (same[i] !== want);
  return presses;
}
function formerRowCost(p, row) {
  // Fields after « Sexe » in order, with the keys each needs; the person stops at the last one.
  const steps = [
    typeAheadPresses('sex', row.sex, p.sex),
    p.age ? p.age.length : 0,
    p.age ? null : typeAheadPresses('band', row.band, p.band ?? ''), // skipped when an age is typed
    typeAheadPresses('actor', row.actor, p.actor),
    0, // institution
    0, // role
    typeAheadPresses('consent', row.consent, p.consent),
  ];
  let last = 0;
  steps.forEach((n, i) => {
    if (n) last = i;
  });
  let keys = 0;
  for (let i = 0; i <= last; i++) {
    if (steps[i] === null) continue;
    if (i > 0) keys += 1; // Tab into the field
    keys += steps[i];
  }
  return keys + 1; // Enter
}

let driver;
after(async () => {
  await driver?.stop();
});

test('30 lines from the keyboard, carry-over, sticky totals, undo, duplicate code, tally', { timeout: 420000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'terrain-entry-'));
  const db = join(dataDir, 'terrain.db');
  const bin = cliBinary();
  const add = (entity, ...fields) => execFileSync(bin, ['--db', db, 'record', 'new', entity, ...fields]).toString().trim();
  const study = add('study', 'title=Consultations Ségou 2026');
  const earlier = add('session', `study_id=${study}`, 'session_type=workshop', 'date=2026-02-11', `place_id=${SEGOU}`);
  add('participant', `session_id=${earlier}`, 'sex=male', 'code=K7', 'consent=given');
  add('session', `study_id=${study}`, 'session_type=focus_group', 'date=2026-03-02', `place_id=${SEGOU}`);

  driver = await Driver.start({ dataDir });
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 });
  await s.waitFor(id('nav-sessions'), { timeout: 30000 });
  await s.click(id('nav-sessions'));
  await s.waitUntil(async () => (await s.findAll(id('session-row'))).length === 2, { message: 'two sessions' });
  for (const r of await s.findAll(id('session-row'))) {
    if (/2026-03-02|02\/03\/2026/.test(await s.text(r))) {
      await s.click(r);
      break;
    }
  }
  await s.waitFor(id('att-sex'));

  /** Presses keys on whatever has the focus, as a person at the keyboard. */
  const press = async (keys) => {
    const actions = [];
    for (const k of keys) actions.push({ type: 'keyDown', value: k }, { type: 'keyUp', value: k });
    await s.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await s.cmd('DELETE', '/actions');
  };
  const ctrl = async (key) => {
    await s.cmd('POST', '/actions', {
      actions: [
        {
          type: 'key',
          id: 'keyboard',
          actions: [
            { type: 'keyDown', value: Keys.CONTROL },
            { type: 'keyDown', value: key },
            { type: 'keyUp', value: key },
            { type: 'keyUp', value: Keys.CONTROL },
          ],
        },
      ],
    });
    await s.cmd('DELETE', '/actions');
  };
  const focusedId = async () => s.attr(await s.active(), 'data-testid');
  const count = async () => (await s.findAll(id('att-row'))).length;

  // The cursor starts on « Sexe »: one click to get there, then keys only.
  await s.click(id('att-sex'));
  const perLine = [];
  const formerPerLine = [];
  let row = { sex: '', actor: '' };
  let former = { sex: 'female', band: '', actor: '', consent: 'given' };
  for (const [i, p] of sheet.entries()) {
    const keys = newRowKeys(p, row);
    await press(keys);
    perLine.push(keys.length);
    formerPerLine.push(formerRowCost(p, former));
    former = { sex: p.sex, band: p.age ? former.band : (p.band ?? ''), actor: p.actor, consent: p.consent };
    row = { sex: p.sex, actor: p.actor };
    await s.waitUntil(async () => (await count()) === i + 1, { message: `${i + 1} lines` });
    await s.waitUntil(async () => (await focusedId()) === 'att-sex', { message: `cursor on « Sexe » after line ${i + 1}` });
    // Consent is asked again; what the group shares is carried and says so.
    assert.equal(await s.value(id('att-consent')), '', `consent empty after line ${i + 1}`);
    assert.equal(await s.value(id('att-sex')), p.sex === W ? 'Femme' : 'Homme');
    assert.ok(await s.find(id('att-carried-sex')), 'sex marked « reporté »');
    assert.ok(await s.find(id('att-carried-actor')), 'actor group marked « reporté »');
    if (i === 2) {
      // After « Refusé », Enter alone does not save the next person: consent is asked.
      await press([Keys.ENTER]);
      await s.waitFor(id('att-consent-ask'));
      assert.match(await s.text(id('att-consent-ask')), /consentement/);
      assert.equal(await focusedId(), 'att-consent');
      assert.equal(await count(), 3);
      await s.click(id('att-sex'));
    }
  }

  // Line 30 typed: the running count and the column headers are on screen.
  assert.equal(await s.text(id('att-running')), '30 lignes · 16 F / 14 H');
  const inView = `const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;`;
  const header = await s.find('.saved-lines thead th');
  assert.equal(await s.execute(inView, await s.find(id('att-running'))), true, 'running count in view');
  assert.equal(await s.execute(inView, header), true, 'column headers in view');
  assert.equal(await s.execute(inView, await s.find(id('att-sex'))), true, 'entry row in view');
  const rowHeight = await s.execute(`return arguments[0].getBoundingClientRect().height;`, await s.find(id('att-row')));
  assert.ok(rowHeight < 40, `a saved line is one compact line (${rowHeight} px)`);
  await s.screenshot(join(ARTIFACTS, 'entry-30-lines-1366.png'));

  // The saved lines read as typed: 16 women, 14 men, three consents that are not « Donné ».
  const texts = await Promise.all((await s.findAll(id('att-row'))).map((r) => s.text(r)));
  assert.equal(texts.filter((t) => /Femme/.test(t)).length, 16);
  assert.equal(texts.filter((t) => /Refusé/.test(t)).length, 2);
  assert.equal(texts.filter((t) => /Retiré/.test(t)).length, 1);
  assert.match(texts[11], /36–59 ans\s*Retiré\s*Association de femmes/);
  assert.match(texts[26], /44\s*Donné\s*Autorité administrative/);
  await s.waitForText(id('session-totals'), '16 femmes, 14 hommes');

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `keystrokes for 30 lines: ${perLine.reduce((a, b) => a + b, 0)} (per line median ${median(perLine)}, mean ${mean(perLine).toFixed(1)}, max ${Math.max(...perLine)}); ` +
      `former row on the same lines: ${formerPerLine.reduce((a, b) => a + b, 0)} (median ${median(formerPerLine)}, mean ${mean(formerPerLine).toFixed(1)}, max ${Math.max(...formerPerLine)})`,
  );

  // Escape puts back what was typed in a box; a second one has nothing left to undo.
  await press([Keys.TAB, '7', '7', Keys.ESCAPE]);
  assert.equal(await s.value(id('att-age')), '');
  // Escape leaves the edit of a saved line, with the row as it was before.
  // (The last line sits just above the entry row, where the newest lines are kept in view.)
  await s.click(`.saved-lines tbody tr:last-child ${id('att-edit')}`);
  await s.waitFor('.entry-bar.is-editing');
  assert.equal(await s.value(id('att-age-band')), '60 ans et plus');
  assert.equal(await s.value(id('att-consent')), 'Donné');
  await press([Keys.ESCAPE]);
  await s.waitForGone('.entry-bar.is-editing');
  assert.equal(await s.value(id('att-age-band')), '');
  assert.equal(await s.value(id('att-consent')), '');
  assert.equal(await s.value(id('att-sex')), 'Homme');

  // Ctrl+Z undoes the last line, then the button the one before; each says so.
  await s.click(id('att-sex'));
  await ctrl('z');
  await s.waitUntil(async () => (await count()) === 29, { message: 'Ctrl+Z took the last line' });
  await s.waitForText(id('att-status'), /annulée : elle est dans la corbeille/);
  assert.equal(await s.text(id('att-running')), '29 lignes · 16 F / 13 H');
  await s.click(id('att-undo'));
  await s.waitUntil(async () => (await count()) === 28, { message: 'the button took the line before' });
  await s.waitForText(id('session-totals'), '16 femmes, 12 hommes');

  // A code already used in another session of the study is named before saving; a second
  // Enter saves anyway. The same code again in this session names its line.
  await s.click(id('att-code'));
  await press(['K', '7']);
  await s.waitForText(id('att-dup'), /« K7 » est déjà utilisé dans une autre séance de cette étude \(Atelier 2026-02-11\)/);
  await press([Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB, 'd', Keys.ENTER]);
  await s.waitForText(id('att-dup'), /Entrée à nouveau pour enregistrer quand même/);
  assert.equal(await count(), 28);
  await press([Keys.ENTER]);
  await s.waitUntil(async () => (await count()) === 29, { message: 'saved on the second Enter' });
  await s.waitUntil(async () => (await focusedId()) === 'att-code', { message: 'cursor back on the code' });
  await press(['k', '7']);
  await s.waitForText(id('att-dup'), /« k7 » est déjà celui de la ligne 29 de cette séance \(Homme/);
  await press([Keys.ESCAPE]);
  assert.equal(await s.value(id('att-code')), '');

  // Carry-over off: the next row starts empty.
  await s.click(id('att-carry'));
  await s.click(id('att-sex'));
  await press(['h', Keys.TAB, '3', '0', Keys.TAB, 'd', Keys.ENTER]);
  await s.waitUntil(async () => (await count()) === 30, { message: 'a line without carry-over' });
  assert.equal(await s.value(id('att-sex')), '');
  assert.equal(await s.find(id('att-carried-sex')), null);
  await s.click(id('att-carry'));

  // 1024×600: the entry row, its count and the headers are still in view, nothing is cut.
  await s.cmd('POST', '/window/rect', { width: 1024, height: 600 });
  await s.click(id('att-sex'));
  await s.waitUntil(async () => s.execute(inView, await s.find(id('att-running'))), { message: 'count in view at 1024×600' });
  assert.equal(await s.execute(inView, await s.find('.saved-lines thead th')), true, 'headers in view at 1024×600');
  const fits = `const r = arguments[0].getBoundingClientRect(); return r.right <= document.documentElement.clientWidth;`;
  assert.equal(await s.execute(fits, await s.find(id('att-entry'))), true, 'entry row within the window');
  assert.equal(await s.execute(fits, await s.find('.saved-lines')), true, 'saved lines within the window');
  await s.screenshot(join(ARTIFACTS, 'entry-30-lines-1024.png'));
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 });

  // Tally: totals follow what is typed, a negative is refused at its cell, Enter saves.
  await s.click('details.panel > summary');
  await s.type(id('tally-female-18_24-youth'), '12');
  await s.type(id('tally-male-18_24-youth'), '4');
  await s.type(id('tally-female-25_35-youth'), '-3');
  await s.waitForText(id('tally-cell-error'), /ne peut pas être négatif/);
  assert.equal(await s.attr(id('tally-female-25_35-youth'), 'aria-invalid'), 'true');
  assert.equal(await s.text(id('tally-row-female-youth')), '12');
  assert.equal(await s.text(id('tally-col-male-18_24')), '4');
  assert.match(await s.text(id('tally-grand')), /12 F \+ 4 H = 16 personnes/);
  await press([Keys.ENTER]);
  assert.equal(await focusedId(), 'tally-female-25_35-youth', 'Enter with a bad cell stays on it');
  await s.screenshot(join(ARTIFACTS, 'entry-tally-refused.png'));
  await press([Keys.BACKSPACE, Keys.BACKSPACE, '5']);
  await s.waitForGone(id('tally-cell-error'));
  assert.match(await s.text(id('tally-grand')), /17 F \+ 4 H = 21 personnes/);
  await press([Keys.ENTER]);
  await s.waitForText(id('session-totals'), '33 femmes, 18 hommes');
  await s.waitForText(id('tally-status'), 'Enregistré.');
  assert.equal(await focusedId(), 'tally-female-25_35-youth', 'the cursor stays in the cell');
  await s.type(id('tally-male-60_plus-police'), 'abc');
  await s.waitForText(id('tally-cell-error'), /« abc » n’est pas un nombre entier/);
  await press([Keys.ESCAPE]);
  await s.waitForGone(id('tally-cell-error'));
  await s.screenshot(join(ARTIFACTS, 'entry-tally-saved.png'));
});
