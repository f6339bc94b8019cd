// Scripts (issue 14, finding 13): N'Ko and Arabic typed into a session's notes are shown with the
// font bundled with the app (not as empty boxes) and start on the right, while a French line in
// the same note starts on the left: each paragraph takes its direction from its first letter.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/scripts.test.mjs

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, Keys } from './webdriver.mjs';

// « N'Ko is our writing » in N'Ko, « peace and security » in Arabic, then French.
const NKO = 'ߒߞߏ ߦߋ߫ ߊ߲ ߠߊ߫ ߛߓߍߛߎ߲ ߘߌ߫';
const ARABIC = 'السلام والأمن في الساحل';
const FRENCH = 'Les femmes demandent la médiation.';

let driver;

after(async () => {
  await driver?.stop();
});

/** Where each line of the note sits in its paragraph, and the styles that place it. */
const MEASURE = `
  const [el, lines] = arguments;
  const node = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.data.includes(lines[0]));
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const place = (line) => {
    const range = document.createRange();
    const at = node.data.indexOf(line);
    range.setStart(node, at);
    range.setEnd(node, at + line.length);
    // A range that starts after a line break also has an empty box at the end of the line before.
    const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
    const left = Math.min(...boxes.map((r) => r.left)) - box.left - parseFloat(style.paddingLeft);
    const right = box.right - parseFloat(style.paddingRight) - Math.max(...boxes.map((r) => r.right));
    return { left, right };
  };
  return { unicodeBidi: style.unicodeBidi, textAlign: style.textAlign, lines: lines.map(place) };
`;

/** The bundled family's faces for N'Ko and Arabic, and whether the page had to load them. */
const FONTS = `
  const [text] = arguments;
  const done = arguments[arguments.length - 1];
  document.fonts.ready.then(() => {
    const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Terrain Sans');
    const covering = (codePoint) => faces.filter((f) =>
      f.unicodeRange.split(',').some((r) => {
        const [from, to] = r.trim().replace(/^U\\+/i, '').split('-').map((h) => parseInt(h, 16));
        return codePoint >= from && codePoint <= (to ?? from);
      }));
    done({
      nko: covering(0x07ca).map((f) => f.status),
      arabic: covering(0x0627).map((f) => f.status),
      check: document.fonts.check('15px "Terrain Sans"', text),
      family: getComputedStyle(document.documentElement).fontFamily,
    });
  });
`;

test("N'Ko and Arabic notes: the bundled font, right to left, as typed and as shown", { timeout: 180000 }, async () => {
  driver = await Driver.start();
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-studies'), { timeout: 30000 });

  await s.click(id('new-study'));
  await s.type(id('study-title'), 'Consultations Kayes 2026');
  await s.click(id('save-study'));
  await s.click(id('new-session'));
  await s.selectOption(id('session-type'), 'focus_group');
  await s.type(id('session-notes'), NKO + Keys.ENTER + ARABIC + Keys.ENTER + FRENCH);
  assert.equal(await s.value(id('session-notes')), `${NKO}\n${ARABIC}\n${FRENCH}`, 'typed as is');

  // As typed: the text box lets each paragraph find its direction and aligns it to its start.
  const field = await s.el(id('session-notes'));
  const typed = await s.execute('const s = getComputedStyle(arguments[0]); return [s.unicodeBidi, s.textAlign];', field);
  assert.deepEqual(typed, ['plaintext', 'start'], 'the notes box: per-paragraph direction');
  await s.execute('arguments[0].scrollIntoView({ block: "center" })', field);
  await s.screenshot(join(ARTIFACTS, 'scripts-typed.png'));

  await s.click(id('save-session'));
  const notes = await s.waitFor('p.prose');
  assert.equal(await s.text(notes), `${NKO}\n${ARABIC}\n${FRENCH}`, 'read back as typed');

  // As shown: N'Ko and Arabic end at the paragraph's right edge, far from its left; French the reverse.
  await s.execute('arguments[0].scrollIntoView({ block: "center" })', notes);
  await s.screenshot(join(ARTIFACTS, 'scripts-shown.png'));
  const shown = await s.execute(MEASURE, notes, [NKO, ARABIC, FRENCH]);
  console.log(`notes as shown: ${JSON.stringify(shown)}`);
  assert.equal(shown.unicodeBidi, 'plaintext');
  const [nko, arabic, french] = shown.lines;
  for (const [name, line] of [['N’Ko', nko], ['Arabic', arabic]]) {
    assert.ok(Math.abs(line.right) <= 2, `${name} starts at the right edge (${JSON.stringify(line)})`);
    assert.ok(line.left > 40, `${name} leaves the left side empty (${JSON.stringify(line)})`);
  }
  assert.ok(Math.abs(french.left) <= 2, `French starts at the left edge (${JSON.stringify(french)})`);
  assert.ok(french.right > 40, `French leaves the right side empty (${JSON.stringify(french)})`);

  // The glyphs come from the bundled font: its N'Ko and Arabic faces were needed and loaded.
  const fonts = await s.cmd('POST', '/execute/async', { script: FONTS, args: [NKO + ARABIC] });
  console.log(`fonts: ${JSON.stringify(fonts)}`);
  assert.match(fonts.family, /^"?Terrain Sans"?,/, 'the bundled family comes first');
  assert.deepEqual(fonts.nko, ['loaded'], "one bundled face covers N'Ko, and it was loaded");
  assert.ok(fonts.arabic.length >= 1 && fonts.arabic.includes('loaded'), `an Arabic face was loaded: ${fonts.arabic}`);
  assert.equal(fonts.check, true, "document.fonts.check: N'Ko and Arabic are ready to draw");
});
