// A deleted study leaves every list and count, and comes back on restore (issue 14, finding 1),
// on the real desktop binary: load the demo, delete one study through the app — its
// confirmation names what goes — and see the sessions list and the dashboard drop by exactly
// that study's numbers; restore it from the bin and see them back; then remove the demo in one
// action and see the store empty, ready to load it again.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/deleted.test.mjs

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver } from './webdriver.mjs';

let driver;
after(async () => {
  await driver?.stop();
});

/** The first whole number in `text` matched by `re` (its group 1), spaces in it dropped. */
function number(text, re) {
  const m = text.match(re);
  assert.ok(m, `${re} not in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/\s/g, ''));
}

test('deleting a study takes its counts away, restoring brings them back, the demo goes in one action', { timeout: 300000 }, async () => {
  driver = await Driver.start();
  const s = await driver.newSession();
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 }).catch(() => {});
  const id = (x) => s.byTestId(x);

  await s.click(await s.waitFor(id('load-demo'), { timeout: 30000 }));
  await s.waitFor(id('demo-bar'), { timeout: 60000 });
  await s.waitUntil(async () => (await s.findAll(id('study-row'))).length === 3, { message: 'three demo studies' });
  assert.equal((await s.findAll(id('demo-badge'))).length, 3, 'each demo study is marked');

  /** What the app shows: the sessions list's count, the dashboard's sessions, women and men. */
  async function counts() {
    await s.click(id('nav-dashboard'));
    // The figures appear once the dashboard has read them.
    const sessions = number(await s.waitForText(id('dash-sessions'), /\d/), /(\d+)/);
    const shown = {
      sessions,
      women: number(await s.text(id('dash-women')), /(\d+)/),
      men: number(await s.text(id('dash-men')), /(\d+)/),
    };
    // The sessions list says "0 séances" until it has read: wait for it to agree, or time out.
    await s.click(id('nav-sessions'));
    const listed = number(
      await s.waitForText(id('sessions-count'), new RegExp(`^${sessions} séances?`)),
      /(\d+)/,
    );
    return { listed, ...shown };
  }
  const before = await counts();
  assert.equal(before.listed, before.sessions);

  // The first study as its card shows it.
  await s.click(id('nav-studies'));
  const card = await s.waitFor(id('study-row'));
  const cardText = await s.text(card);
  const study = {
    title: (await s.execute(`return document.querySelector('[data-testid="study-row"] .title').textContent`)).trim(),
    sessions: number(cardText, /(\d+) séances?/),
    women: number(cardText, /(\d+) femmes?/),
    men: number(cardText, /(\d+) hommes?/),
  };
  assert.ok(study.sessions > 0 && study.women > 0, cardText);

  // Its delete asks, naming what goes with it.
  await s.click(card);
  await s.waitForText(id('study-heading'), study.title);
  await s.click(id('delete-button'));
  const asked = await s.waitForText(id('confirm-delete-text'), /séances/);
  assert.match(asked, new RegExp(`Supprimer « ${study.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} »`));
  assert.equal(number(asked, /(\d+) séances/), study.sessions);
  assert.equal(number(asked, /(\d+) personnes/), study.women + study.men);
  assert.match(asked, /\d+ constats?, \d+ recommandations? \?/);
  assert.match(asked, /corbeille/);
  await s.screenshot(join(ARTIFACTS, 'deleted-confirm-1366.png'));
  await s.cmd('POST', '/window/rect', { width: 1024, height: 600 }).catch(() => {});
  await s.screenshot(join(ARTIFACTS, 'deleted-confirm-1024.png'));
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 }).catch(() => {});
  await s.click(id('confirm-delete'));
  await s.waitUntil(async () => (await s.findAll(id('study-row'))).length === 2, { message: 'two studies left' });

  // Every count drops by exactly that study's numbers.
  const gone = await counts();
  assert.deepEqual(gone, {
    listed: before.listed - study.sessions,
    sessions: before.sessions - study.sessions,
    women: before.women - study.women,
    men: before.men - study.men,
  });

  // The bin holds the study alone (beside the demo's own deleted sessions), not its sessions
  // one by one; restoring it brings everything back.
  await s.click(id('nav-deleted'));
  const studyRow = '[data-testid="deleted-row"][data-entity="study"]';
  await s.waitFor(studyRow);
  assert.equal((await s.findAll(studyRow)).length, 1, 'one study in the bin');
  const back = await s.waitForText(`${studyRow} ${id('deleted-holds')}`, /séances/);
  assert.equal(number(back, /(\d+) séances/), study.sessions, back);
  await s.screenshot(join(ARTIFACTS, 'deleted-bin.png'));
  const binSessions = (await s.findAll('[data-testid="deleted-row"][data-entity="session"]')).length;
  assert.ok(binSessions < 10, `the study's ${study.sessions} sessions are not in the bin (${binSessions})`);
  await s.click(`${studyRow} ${id('restore')}`);
  await s.waitForGone(studyRow);
  assert.deepEqual(await counts(), before);

  // The demo goes in one action, saying what goes; then it can be loaded again.
  await s.click(id('nav-studies'));
  await s.click(await s.waitFor(id('demo-remove')));
  const removing = await s.waitForText(id('demo-remove-text'), /études de démonstration/);
  assert.equal(number(removing, /(\d+) séances/), before.sessions);
  await s.screenshot(join(ARTIFACTS, 'deleted-demo-remove.png'));
  await s.click(id('demo-remove-confirm'));
  await s.waitForText(id('demo-notice'), /Données de démonstration retirées : 3 études/);
  await s.waitFor(id('load-demo'));
  assert.equal((await s.findAll(id('study-row'))).length, 0);
  await s.click(id('nav-sessions'));
  await s.waitForText(id('sessions-count'), /^0\b/);
});
