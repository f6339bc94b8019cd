// No English and no raw key in French mode (issue 14, finding 10): with the demo loaded, every
// screen of the navigation, a study, a session, the dashboard (age bands, numbers tables), an
// export's summary, the report and the main dialogs are visited in French; the text a person
// sees is collected and checked against the catalogues. The deny-list is read from the sources
// (ui/src/lib/catalogue.ts, the generated vocabulary), not written here: an English value that
// French never uses, a choice's stored value (« male »), a snake_case key (« people_by_region »).
// A screen another engineer adds is checked as soon as the navigation lists it.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/french.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, REPO, cliBinary } from './webdriver.mjs';

/** The values of one language's block of catalogue.ts: `'key': 'text',` lines. */
function catalogue(lang) {
  const source = readFileSync(join(REPO, 'ui', 'src', 'lib', 'catalogue.ts'), 'utf8');
  const start = source.search(new RegExp(`export const ${lang}\\b[^=]*= \\{`));
  assert.ok(start >= 0, `no ${lang} catalogue`);
  const block = source.slice(start, source.indexOf('\n};', start));
  const out = new Map();
  for (const m of block.matchAll(/^\s*'([\w.]+)':\s*(['"`])((?:\\.|(?!\2).)*)\2,?\s*$/gm)) {
    out.set(m[1], m[3].replace(/\\(.)/g, '$1'));
  }
  assert.ok(out.size > 100, `${lang}: only ${out.size} entries read`);
  return out;
}

/** The vocabulary's labels and stored values: `{ value: "male", fr: "homme", en: "man" }`. */
function vocabulary() {
  const source = readFileSync(join(REPO, 'ui', 'src', 'lib', 'bindings', 'vocabulary.ts'), 'utf8');
  const labels = [...source.matchAll(/fr: "((?:\\.|[^"])*)", en: "((?:\\.|[^"])*)"/g)].map((m) => ({ fr: m[1], en: m[2] }));
  const values = [...source.matchAll(/value: "([^"]*)"/g)].map((m) => m[1]);
  assert.ok(labels.length > 50 && values.length > 30, 'vocabulary not read');
  return { labels, values };
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A phrase as a whole word (or words), any case. */
const whole = (phrase) => new RegExp(`(?<![\\p{L}\\p{N}_])${escape(phrase)}(?![\\p{L}\\p{N}_])`, 'iu');

/** What must not be read in French: English text French never uses, stored values, keys. */
function denyList() {
  const fr = catalogue('fr');
  const en = catalogue('en');
  const vocab = vocabulary();
  const french = [...fr.values(), ...vocab.labels.map((l) => l.fr)].join('\n');
  const usedInFrench = (phrase) => whole(phrase).test(french);
  const phrases = new Set();
  const add = (text) => {
    // Placeholders split a text into fixed parts; the longer ones are checked.
    for (const part of text.split(/\{\w+\}/)) {
      const p = part.replace(/[\s:.,;!?…()«»"'’—–-]+$/u, '').replace(/^[\s:.,;!?…()«»"'’—–-]+/u, '');
      if (p.length >= 4 && /\p{L}{3}/u.test(p) && !usedInFrench(p)) phrases.add(p);
    }
  };
  for (const [key, text] of en) if (text !== fr.get(key)) add(text);
  for (const l of vocab.labels) if (l.en !== l.fr) add(l.en);
  for (const v of vocab.values) if (/[a-z]/.test(v) && !usedInFrench(v.replaceAll('_', ' ')) && !usedInFrench(v)) phrases.add(v);
  return [...phrases];
}

/** The text a person sees: visible text nodes and placeholders, leaving out file paths and ids. */
async function visibleText(s) {
  return s.execute(`
    const skip = (el) => el.closest('code, .mono, script, style, [aria-hidden="true"]');
    const parts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || el.getClientRects().length === 0) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      parts.push(n.textContent);
    }
    for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
      if (!skip(el) && el.getClientRects().length) parts.push(el.getAttribute('placeholder'));
    }
    for (const el of document.querySelectorAll('select')) {
      if (!skip(el) && el.getClientRects().length) for (const o of el.options) parts.push(o.textContent);
    }
    return parts.join('\\n');
  `);
}

const SNAKE = /(?<![\p{L}\p{N}_/\\.])[a-z]+(?:_[a-z0-9]+)+(?![\p{L}\p{N}_])/gu;

let driver;
after(async () => {
  await driver?.stop();
});

test('in French, no screen shows English words or raw keys', { timeout: 420000 }, async () => {
  const deny = denyList().map((p) => [p, whole(p)]);
  assert.ok(deny.some(([p]) => p === 'male'), 'the deny-list holds stored values');
  assert.ok(deny.some(([p]) => /people consulted/i.test(p)), 'the deny-list holds English text');

  const dataDir = mkdtempSync(join(tmpdir(), 'terrain-french-'));
  execFileSync(cliBinary(), ['--db', join(dataDir, 'terrain.db'), 'demo'], { env: { ...process.env, TERRAIN_LANG: 'fr' } });
  driver = await Driver.start({ dataDir });
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-studies'), { timeout: 30000 });

  const problems = [];
  const seen = [];
  const check = async (where) => {
    await new Promise((r) => setTimeout(r, 400));
    const text = await visibleText(s);
    seen.push(where);
    for (const [phrase, re] of deny) {
      const m = text.match(re);
      if (m) {
        const at = text.indexOf(m[0]);
        problems.push(`${where}: « ${phrase} » in « ${text.slice(Math.max(0, at - 40), at + 40).replace(/\s+/g, ' ')} »`);
      }
    }
    for (const m of text.matchAll(SNAKE)) problems.push(`${where}: raw key « ${m[0]} »`);
    await s.screenshot(join(ARTIFACTS, `french-${where.replace(/[^\w-]+/g, '-')}.png`));
  };

  // Every screen of the navigation, whatever it lists.
  const navs = await s.execute(
    `return [...document.querySelectorAll('[data-testid^="nav-"]')].map((e) => e.dataset.testid)`,
  );
  assert.ok(navs.length >= 4, `navigation: ${navs}`);
  for (const nav of navs) {
    await s.click(id(nav));
    await check(nav);
  }

  // A study, its new-session form, a session and its history.
  await s.click(id('nav-studies'));
  await s.waitFor(id('study-row'));
  await s.click(id('study-row'));
  await s.waitFor(id('study-heading'));
  await check('study');
  await s.click(id('new-session'));
  await check('new-session');
  await s.click(id('nav-sessions'));
  await s.waitFor(id('session-row'));
  await s.click(id('session-row'));
  await s.waitFor(id('session-heading'));
  await check('session');
  await s.click(id('session-history'));
  await check('session-history');
  const deletes = await s.findAll(id('delete-button'));
  if (deletes.length) {
    await s.click(deletes[0]);
    await check('confirm-delete');
  }

  // The new-study form.
  await s.click(id('nav-studies'));
  await s.click(id('new-study'));
  await check('new-study');

  // The dashboard with age bands and every chart's numbers, then an export and the report.
  await s.click(id('nav-dashboard'));
  await s.waitFor(id('dash-women'));
  await s.click(id('dash-by-age'));
  await s.execute(`for (const b of document.querySelectorAll('[data-testid$="-toggle"]')) b.click();`);
  await check('dashboard');
  await s.click(id('dash-export'));
  await s.waitFor(id('export-dialog'));
  await check('export');
  await s.selectOption(id('export-format'), 'csv');
  await s.type(id('export-out'), join(dataDir, 'export-csv'));
  await s.click(id('export-start'));
  await s.waitFor(id('export-done'), { timeout: 60000 });
  await check('export-done');
  await s.click(id('export-close'));
  await s.waitForGone(id('export-dialog'));
  const study = await s.execute(`return document.querySelector('[data-testid="dash-filter-study"] option:nth-child(2)')?.value ?? ''`);
  if (study) {
    await s.selectOption(id('dash-filter-study'), study);
    await s.waitFor(id('dash-report'));
    await s.click(id('dash-report'));
    await s.waitFor(id('report-doc'), { timeout: 30000 });
    await check('report');
  }

  assert.ok(seen.length >= 10, `visited: ${seen.join(', ')}`);
  assert.deepEqual(problems, [], `English or raw text in French mode:\n${problems.join('\n')}`);
});
