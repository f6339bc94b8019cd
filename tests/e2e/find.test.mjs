// Finding things and dates as people write them (issue 14, findings 11 and 14), on the real
// desktop binary over a dataset written beforehand with the CLI: a date typed 01/03/2025
// filters the sessions list and dates show JJ/MM/AAAA; a date that is not one is said at its
// field and holds the list back; the calendar picks a day from the keyboard; « Effacer les
// filtres » lists everything again; the study search narrows the studies; the arrow keys
// choose a place suggestion; the study page puts its recommendations before its sessions; a
// person is found by name.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/find.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, Keys, cliBinary } from './webdriver.mjs';

const PELENGANA = 'e0d688fc-e603-5e02-b219-f93037ae2eff'; // Ségou region

// Two studies; Ségou has 12 sessions, two of them on or after 1 March 2025 (05/03 and 20/04).
const SEGOU_DATES = [
  '2024-11-04', '2024-11-18', '2024-12-02', '2024-12-16', '2025-01-06', '2025-01-20',
  '2025-02-03', '2025-02-10', '2025-02-17', '2025-02-24', '2025-03-05', '2025-04-20',
];

function seed(db) {
  const bin = cliBinary();
  const add = (entity, ...fields) => execFileSync(bin, ['--db', db, 'record', 'new', entity, ...fields]).toString().trim();
  const segou = add('study', 'title=Consultations Ségou 2025', 'organisation=AMSS');
  const kayes = add('study', 'title=Dialogue communautaire Kayes', 'organisation=WILDAF');
  const sessions = SEGOU_DATES.map((date) =>
    add('session', `study_id=${segou}`, 'session_type=focus_group', `date=${date}`, `place_id=${PELENGANA}`),
  );
  add('session', `study_id=${kayes}`, 'session_type=workshop', 'date=2025-03-10');
  add('participant', `session_id=${sessions[11]}`, 'sex=female', 'code=SG-0007', 'name=Aminata Traoré');
  add('participant', `session_id=${sessions[10]}`, 'sex=male', 'code=SG-0008', 'name=Moussa Keïta');
  add('recommendation', `study_id=${segou}`, 'text=Associer les femmes aux comités de sécurité', 'level=local');
  return { segou, kayes };
}

let driver;
after(async () => {
  await driver?.stop();
});

test('dates JJ/MM/AAAA, calendar, clear filters, study and person search, place by arrow keys', { timeout: 300000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'terrain-find-'));
  seed(join(dataDir, 'terrain.db'));
  driver = await Driver.start({ dataDir });
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 }).catch(() => {});
  const count = async () => (await s.findAll(id('session-row'))).length;
  // WebKit's screenshot shows the last frame painted: give the page time to paint first.
  const snap = async (name) => {
    await new Promise((r) => setTimeout(r, 600));
    await s.screenshot(join(ARTIFACTS, 'find', `${name}.png`));
  };

  // The sessions list: 13 sessions; dates read JJ/MM/AAAA.
  await s.click(id('nav-sessions'));
  await s.waitUntil(async () => (await count()) === 13, { message: '13 sessions listed' });
  const first = await s.text(`${id('session-row')} [role="cell"]`);
  assert.equal(first, '20/04/2025');

  // 01/03/2025 typed in « Du » filters: the two Ségou sessions of March and April, and Kayes.
  await s.type(id('filter-from'), '01/03/2025');
  await s.waitUntil(async () => (await count()) === 3, { message: 'three sessions from 01/03/2025' });
  await s.waitForText(id('sessions-count'), '3 séances');

  // A day that does not exist is said at the field, and the list is held, not emptied or widened.
  await s.type(id('filter-to'), '31/02/2025');
  await s.waitForText(id('filter-to-problem'), '31/02/2025 n’est pas une date');
  await s.waitFor(id('filter-held'));
  assert.equal(await s.attr(id('filter-to'), 'aria-invalid'), 'true');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await count(), 3, 'a wrong date changes nothing in the list');
  await snap('date-not-understood-1366');

  // Corrected from the calendar, by the keyboard: ↓ opens it on the typed... day (none here:
  // today), Page Up / arrows move, Enter takes the day. The field then reads JJ/MM/AAAA.
  await s.clear(id('filter-to'));
  await s.type(id('filter-to'), '15/03/2025');
  await s.waitForGone(id('filter-to-problem'));
  await s.type(id('filter-to'), Keys.ARROW_DOWN);
  await s.waitFor(id('filter-to-calendar'));
  await snap('calendar-1366');
  // Opened from the field nearest the right edge, the month does not push the page sideways.
  await s.waitUntil(() => s.execute('return document.documentElement.scrollWidth <= window.innerWidth;'), {
    message: 'nothing scrolls sideways with the calendar open',
  });
  // From 15/03/2025: one week on, then one day back: 21/03/2025.
  await s.type(await s.active(), Keys.ARROW_DOWN);
  await s.type(await s.active(), Keys.ARROW_LEFT);
  await s.waitUntil(async () => (await s.attr(await s.active(), 'data-day')) === '2025-03-21', { message: 'the keyboard reached 21/03/2025' });
  await s.type(await s.active(), Keys.ENTER);
  await s.waitForGone(id('filter-to-calendar'));
  assert.equal(await s.value(id('filter-to')), '21/03/2025');
  // 05/03 (Ségou) and 10/03 (Kayes).
  await s.waitUntil(async () => (await count()) === 2, { message: 'two sessions from 01/03 to 21/03/2025' });
  // AAAA-MM-JJ is still read.
  await s.clear(id('filter-to'));
  await s.type(id('filter-to'), '2025-03-07');
  await s.waitUntil(async () => (await count()) === 1, { message: 'one session from 01/03 to 07/03/2025' });

  // « Effacer les filtres » lists every session again and empties the fields.
  await s.click(id('filter-clear'));
  await s.waitUntil(async () => (await count()) === 13, { message: 'all 13 sessions after clearing' });
  assert.equal(await s.value(id('filter-from')), '');
  assert.equal(await s.value(id('filter-to')), '');
  assert.equal(await s.find(id('filter-clear')), null, 'nothing left to clear');
  // And from an empty result too.
  await s.type(id('filter-text'), 'introuvable');
  await s.waitFor(id('filter-clear-empty'));
  await s.click(id('filter-clear-empty'));
  await s.waitUntil(async () => (await count()) === 13, { message: 'all 13 sessions after clearing an empty result' });

  // The study search narrows the list of studies (accents and case do not matter).
  await s.click(id('nav-studies'));
  await s.waitUntil(async () => (await s.findAll(id('study-row'))).length === 2, { message: 'two studies' });
  await s.type(id('studies-search'), 'SEGOU amss');
  await s.waitUntil(async () => (await s.findAll(id('study-row'))).length === 1, { message: 'one study found' });
  assert.match(await s.text(id('study-row')), /Consultations Ségou 2025/);
  await s.clear(id('studies-search'));
  await s.type(id('studies-search'), 'bamako');
  await s.waitFor(id('studies-none'));
  assert.equal((await s.findAll(id('study-row'))).length, 0);
  await s.clear(id('studies-search'));
  await s.type(id('studies-search'), 'ségou');
  await s.click(id('study-row'));

  // The study page: recommendations come before the sessions, which show the 10 latest and
  // lead to all 12; a person is found by name, accents aside.
  await s.waitForText(id('study-heading'), 'Consultations Ségou 2025');
  const order = await s.execute(`
    const heads = [...document.querySelectorAll('h3')].map((h) => h.textContent.trim());
    return [heads.findIndex((h) => h.startsWith('Recommandations')), heads.findIndex((h) => h.startsWith('Séances'))];`);
  assert.ok(order[0] >= 0 && order[0] < order[1], `recommendations before sessions: ${order}`);
  assert.equal(await count(), 10);
  await s.type(id('people-search-text'), 'aminata traore');
  await s.waitUntil(async () => (await s.findAll(id('person-hit'))).length === 1, { message: 'one person found' });
  assert.match(await s.text(id('person-hit')), /SG-0007.*Aminata Traoré.*20\/04\/2025/s);
  await snap('study-page-1366');
  await s.click(id('study-all-sessions'));
  await s.waitUntil(async () => (await count()) === 12, { message: 'the 12 sessions of the study' });
  assert.notEqual(await s.value(id('filter-study')), '');

  // The place suggestions by the arrow keys: « Ségou », ↓ ↓, Enter takes the third one (not
  // the region, as Enter alone did).
  await s.click(id('sessions-new'));
  await s.type(id('place-search'), 'Ségou');
  await s.waitUntil(async () => (await s.findAll(id('place-option'))).length >= 3, { message: 'place suggestions' });
  const options = await s.findAll(id('place-option'));
  const third = await s.text(options[2]);
  await s.type(id('place-search'), Keys.ARROW_DOWN + Keys.ARROW_DOWN);
  await s.waitUntil(async () => (await s.attr(options[2], 'aria-selected')) === 'true', { message: 'the third suggestion highlighted' });
  await snap('place-arrows-1366');
  await s.type(id('place-search'), Keys.ENTER);
  const chosen = await s.waitFor(id('place-chosen'));
  const name = third.split('\n').map((x) => x.trim()).filter(Boolean)[1];
  assert.match(await s.text(chosen), new RegExp(name));
  assert.equal((await s.findAll(id('place-option'))).length, 0, 'the list closes');
  // Escape closes the suggestions and leaves the form as it is.
  await s.type(id('place-search'), 'Kayes');
  await s.waitFor(id('place-option'));
  await s.type(id('place-search'), Keys.ESCAPE);
  await s.waitForGone(id('place-option'));
  await s.waitFor(id('save-session'));

  // The session date: a wrong one is refused at save with the field named; JJ/MM/AAAA saves.
  await s.clear(id('session-date'));
  await s.type(id('session-date'), '31/02/2025');
  await s.click(id('save-session'));
  await s.waitForText(id('error-message'), /Date : 31\/02\/2025 n’est pas une date/i);
  await s.clear(id('session-date'));
  await s.type(id('session-date'), '02/03/2025');
  await s.click(id('save-session'));
  await s.waitForText(id('session-heading'), '02/03/2025');

  // On a netbook (1024×600): the period fields, their message and the calendar fit.
  await s.cmd('POST', '/window/rect', { width: 1024, height: 600 }).catch(() => {});
  await new Promise((r) => setTimeout(r, 1000));
  await s.click(id('nav-sessions'));
  await s.click(id('filter-clear'));
  await s.type(id('filter-from'), '2025-02-30');
  await s.waitForText(id('filter-from-problem'), '2025-02-30 n’est pas une date');
  await snap('date-not-understood-1024');
  await s.click(id('filter-from-calendar-toggle'));
  await s.waitFor(id('filter-from-calendar'));
  await snap('calendar-1024');
  const wide = await s.execute('return document.documentElement.scrollWidth <= window.innerWidth;');
  assert.ok(wide, 'nothing scrolls sideways at 1024×600 with the calendar open');
  // Today, from the calendar's button: the field reads today's day JJ/MM/AAAA.
  await s.click(id('filter-from-today'));
  await s.waitForGone(id('filter-from-calendar'));
  assert.match(await s.value(id('filter-from')), /^\d{2}\/\d{2}\/\d{4}$/);
  await s.waitForGone(id('filter-from-problem'));

  // The studies' search and the study page fit the netbook too.
  await s.click(id('nav-studies'));
  await s.type(id('studies-search'), 'kayes');
  await s.waitUntil(async () => (await s.findAll(id('study-row'))).length === 1, { message: 'one study found at 1024×600' });
  await snap('studies-search-1024');
  await s.clear(id('studies-search'));
  await s.type(id('studies-search'), 'segou');
  await s.click(id('study-row'));
  await s.waitForText(id('study-heading'), 'Consultations Ségou 2025');
  await snap('study-page-1024');
  assert.ok(await s.execute('return document.documentElement.scrollWidth <= window.innerWidth;'), 'the study page does not scroll sideways at 1024×600');
});
