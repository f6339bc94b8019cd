// The end-to-end scenario on the real desktop binary: start on an empty data
// directory, switch to English, create a study, record a focus group in Ségou with five
// participants (3 women, 2 men) typed from the keyboard, read the live totals, quit,
// relaunch on the same data, and find the session with its five participants.
//
// Run: xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/
// TERRAIN_UPDATE_SCREENSHOT=1 also copies the session screenshot to docs/screenshot.png.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, Keys, REPO } from './webdriver.mjs';

let driver;

after(async () => {
  await driver?.stop();
});

// What is typed in each choice box of the attendance row (English labels): « wom » finds
// « Women’s association », « tra » « Traditional authority ».
const people = [
  { sex: 'w', age: '27', actor: 'wom' },
  { sex: 'w', age: '34', actor: 'wom' },
  { sex: 'w', age: '19', actor: 'y' },
  { sex: 'm', age: '22', actor: 'y' },
  { sex: 'm', age: '45', actor: 'tra' },
];

/** Clicks a choice box of the attendance row, types the first letters of a choice, and Tabs
 *  on (which takes the highlighted choice). */
async function choose(s, testid, typed) {
  await s.click(s.byTestId(testid));
  const actions = [];
  for (const k of [...typed, Keys.TAB]) actions.push({ type: 'keyDown', value: k }, { type: 'keyUp', value: k });
  await s.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  await s.cmd('DELETE', '/actions');
}

test('record a focus group in Ségou, quit, relaunch, find it again', { timeout: 240000 }, async () => {
  driver = await Driver.start();
  const t0 = performance.now();
  let s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  console.log(`cold start to navigation: ${Math.round(performance.now() - t0)} ms`);
  assert.match(await s.text(id('nav-studies')), /Études/, 'French first');

  // Settings: English, remembered in the store.
  await s.click(id('nav-settings'));
  await s.selectOption(id('lang-select'), 'en');
  await s.waitForText(id('nav-studies'), 'Studies');

  // A study; an empty title is refused with a message naming the field.
  await s.click(id('nav-studies'));
  await s.click(id('new-study'));
  await s.click(id('save-study'));
  await s.waitForText(id('error-message'), /title/i);
  await s.type(id('study-title'), 'Consultations Ségou 2026');
  await s.click(id('save-study'));

  // A focus group in the region of Ségou.
  await s.click(id('new-session'));
  await s.selectOption(id('session-type'), 'focus_group');
  await s.clear(id('session-date'));
  await s.type(id('session-date'), '2026-03-02');
  await s.type(id('place-search'), 'Ségou');
  const region = await s.waitFor(`${id('place-option')}[data-kind="region"]`);
  assert.match(await s.text(region), /Ségou/);
  await s.click(region);
  await s.waitForText(id('place-chosen'), 'Ségou');
  await s.click(id('save-session'));

  // Five attendance lines: the first with the button, the others with Enter in the age box,
  // which must leave the cursor on the next line's first box.
  for (const [i, p] of people.entries()) {
    await choose(s, 'att-sex', p.sex);
    await choose(s, 'att-actor', p.actor);
    await choose(s, 'att-consent', 'g'); // asked of each person: it does not carry over
    await s.clear(id('att-age'));
    if (i === 0) {
      await s.type(id('att-age'), p.age);
      await s.click(id('att-add'));
    } else {
      await s.type(id('att-age'), p.age + Keys.ENTER);
    }
    await s.waitUntil(async () => (await s.findAll(id('att-row'))).length === i + 1, {
      message: `${i + 1} attendance lines`,
    });
    if (i > 0) {
      await s.waitUntil(async () => (await s.attr(await s.active(), 'data-testid')) === 'att-sex', {
        message: 'focus back on the sex box after Enter',
      });
    }
  }
  assert.equal(await s.text(id('session-totals')), '3 women, 2 men');
  const byActor = await s.text(id('totals-by-actor'));
  assert.match(byActor, /Women’s association\s*2 W\s*0 M/);
  assert.match(byActor, /Youth\s*1 W\s*1 M/);
  const codes = await Promise.all((await s.findAll(id('att-row'))).map((r) => s.text(r)));
  assert.ok(codes.every((c) => /^P\d{3}-/.test(c)), `generated codes: ${codes.join(' | ')}`);

  mkdirSync(ARTIFACTS, { recursive: true });
  await s.execute('window.scrollTo(0, 0)');
  const shot = await s.screenshot(join(ARTIFACTS, 'session.png'));
  if (process.env.TERRAIN_UPDATE_SCREENSHOT === '1') {
    copyFileSync(shot, join(REPO, 'docs', 'screenshot.png'));
  }

  // Quit, relaunch on the same data directory.
  await s.deleteSession();
  s = await driver.newSession();
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  await s.waitForText(id('nav-studies'), 'Studies');
  await s.click(id('nav-sessions'));
  const row = await s.waitFor(id('session-row'));
  assert.match(await s.text(row), /Focus group/);
  assert.match(await s.text(row), /Ségou/);
  await s.click(row);
  await s.waitUntil(async () => (await s.findAll(id('att-row'))).length === 5, {
    message: '5 attendance lines after relaunch',
  });
  await s.waitForText(id('session-totals'), '3 women, 2 men');
  assert.match(await s.text(id('session-place')), /Ségou/);
  await s.screenshot(join(ARTIFACTS, 'relaunch.png'));
});

test('validation, tally, findings, recommendations, delete and restore, history', { timeout: 240000 }, async () => {
  const d = await Driver.start();
  try {
    const s = await d.newSession();
    const id = (x) => s.byTestId(x);
    await s.waitFor(id('nav-studies'), { timeout: 30000 });

    // French by default: the totals read "0 femme, 0 homme" on a new session.
    await s.click(id('new-study'));
    await s.type(id('study-title'), 'Étude ߒߞߏ et عربي');
    await s.type(id('study-start'), '2026-05-01');
    await s.type(id('study-end'), '2026-04-01');
    await s.click(id('save-study'));
    await s.waitForText(id('error-message'), /date de fin/);
    await s.clear(id('study-end'));
    await s.type(id('study-end'), '2026-06-30');
    await s.click(id('save-study'));
    await s.waitForText(id('study-heading'), 'Étude ߒߞߏ et عربي');

    await s.click(id('new-session'));
    await s.selectOption(id('session-type'), 'workshop');
    await s.clear(id('session-date'));
    await s.type(id('session-date'), '2026-05-10');
    // A place of one's own: a camp abroad.
    await s.click(id('add-place'));
    await s.type(id('new-place-name'), 'Camp de Mbera');
    await s.selectOption(id('new-place-kind'), 'camp');
    await s.click(id('save-place'));
    await s.waitForText(id('place-chosen'), 'Camp de Mbera');
    await s.click(id('save-session'));
    await s.waitForText(id('session-totals'), '0 femme, 0 homme');

    // An impossible age is refused, named, and nothing is saved.
    await choose(s, 'att-sex', 'h');
    await choose(s, 'att-consent', 'd');
    await s.type(id('att-age'), '130' + Keys.ENTER);
    await s.waitForText(id('error-message'), /âge/);
    assert.equal((await s.findAll(id('att-row'))).length, 0);

    // A line typed, then edited: the core keeps its generated code and refiles the age.
    await s.clear(id('att-age'));
    await s.type(id('att-age'), '30' + Keys.ENTER);
    await s.waitFor(id('att-row'));
    await s.waitForText(id('session-totals'), '0 femme, 1 homme');
    await s.click(id('att-edit'));
    await choose(s, 'att-sex', 'f');
    await s.clear(id('att-age'));
    await s.type(id('att-age'), '61' + Keys.ENTER);
    await s.waitForText(id('att-row'), /Femme\s*61\s*Donné/);
    assert.equal(await s.attr(`${id('att-row')} td:nth-child(3)`, 'title'), '60 ans et plus');
    await s.waitForText(id('session-totals'), '1 femme, 0 homme');
    await s.click(`${id('att-row')} ${id('att-more')}`);
    await s.click(`${id('att-menu')} ${id('delete-button')}`);
    await s.click(id('confirm-delete'));
    await s.waitForGone(id('att-row'));

    // Tally sheet: 12 young women and 4 young men, saved in one go.
    await s.click('details.panel > summary');
    await s.type(id('tally-female-18_24-youth'), '12');
    await s.type(id('tally-male-18_24-youth'), '4');
    await s.click(id('tally-save'));
    await s.waitForText(id('session-totals'), '12 femmes, 4 hommes');

    // A person withdraws consent: erased with a reason (this laptop founded the study, so it
    // may), the line keeps sex and age band for the counts and says when, by whom and why.
    await choose(s, 'att-sex', 'f');
    await choose(s, 'att-consent', 'd');
    await s.type(id('att-age'), '40' + Keys.ENTER);
    await s.waitForText(id('session-totals'), '13 femmes, 4 hommes');
    await s.click(`${id('att-row')} ${id('att-more')}`);
    await s.click(`${id('att-menu')} ${id('erase-button')}`);
    await s.waitForText(id('att-menu'), /téléphone/i);
    await s.type(id('erase-reason'), 'consentement retiré');
    await s.click(id('confirm-erase'));
    await s.waitForText(id('att-erased'), /effacé\(e\) le \d\d\/\d\d\/\d{4} \d\d:\d\d par cet appareil : consentement retiré/);
    await s.waitForText(id('session-totals'), '13 femmes, 4 hommes');
    assert.equal((await s.findAll(id('erase-button'))).length, 0);

    // A finding.
    await s.click(id('new-finding'));
    await s.type(id('finding-theme'), 'accès à la justice');
    await s.type(id('finding-text'), 'Les femmes préfèrent la médiation des chefs de quartier.');
    await s.click(id('save-finding'));
    await s.waitFor(id('finding-row'));
    // This laptop made the study (its coordinator): it may mark the text reviewed for
    // anonymised exports.
    await s.click(`${id('finding-row')} ${id('review-mark')}`);
    await s.waitUntil(async () => (await s.execute(`return document.querySelector('[data-testid="finding-row"] [data-testid="review-mark"]').checked;`)) === true, { message: 'finding reviewed' });

    // Edit the session, then see the change in its history.
    await s.click(id('edit-session'));
    await s.type(id('session-duration'), '95');
    await s.click(id('save-session'));
    await s.click(id('session-history'));
    await s.waitForText(id('history-panel'), 'Durée (minutes)');

    // A recommendation, its status changed, and the status history.
    await s.click(id('session-study-link'));
    await s.click(id('new-recommendation'));
    await s.type(id('rec-text'), 'Associer les femmes déplacées aux comités de sécurité.');
    await s.click(id('save-rec'));
    await s.waitFor(id('rec-row'));
    await s.selectOption(id('rec-status-change'), 'validated');
    await s.click(id('rec-status-history'));
    await s.waitForText(id('history-panel'), /Proposée → Validée/);

    // Delete the session (asks first), find it in the Deleted view, restore it.
    await s.click(id('session-row'));
    await s.click(id('delete-button'));
    await s.click(id('confirm-delete'));
    await s.waitFor(id('study-heading'));
    await s.click(id('nav-deleted'));
    const deletedSession = `${id('deleted-row')}[data-entity="session"]`;
    assert.match(await s.text(deletedSession), /Atelier/);
    await s.click(`${deletedSession} ${id('restore')}`);
    await s.waitForGone(deletedSession);
    await s.click(id('nav-sessions'));
    await s.waitForText(id('session-row'), 'Camp de Mbera');
    await s.screenshot(join(ARTIFACTS, 'flows.png'));
  } finally {
    await d.stop();
  }
});
