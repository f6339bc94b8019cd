// The dashboard on the real desktop binary, over a dataset written beforehand with the CLI:
// the women / men totals shown match the hand count, the region filter narrows them, a chart's
// numbers open as a table, an export writes its files with progress, and the study report opens.
//
// Run: xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, cliBinary } from './webdriver.mjs';

const SADIOLA = 'e5ede3f5-1d45-5cc3-b925-41f7972dd82a'; // Kayes region
const PELENGANA = 'e0d688fc-e603-5e02-b219-f93037ae2eff'; // Ségou region

let driver;
after(async () => {
  await driver?.stop();
});

test('dashboard totals, filter, numbers table, export and report', { timeout: 240000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'terrain-dash-'));
  const db = join(dataDir, 'terrain.db');
  const bin = cliBinary();
  const add = (entity, ...fields) => execFileSync(bin, ['--db', db, 'record', 'new', entity, ...fields]).toString().trim();
  const study = add('study', 'title=Étude tableau de bord');
  const s1 = add('session', `study_id=${study}`, 'session_type=focus_group', 'date=2025-01-10', `place_id=${SADIOLA}`);
  add('tally', `session_id=${s1}`, 'sex=female', 'actor_group=youth', 'count=7');
  add('tally', `session_id=${s1}`, 'sex=male', 'actor_group=youth', 'count=2');
  add('participant', `session_id=${s1}`, 'sex=female', 'actor_group=police', 'institution=Police nationale');
  const s2 = add('session', `study_id=${study}`, 'session_type=workshop', 'date=2025-02-01', `place_id=${PELENGANA}`);
  add('tally', `session_id=${s2}`, 'sex=female', 'actor_group=civil_society', 'count=3');
  add('tally', `session_id=${s2}`, 'sex=male', 'actor_group=gendarmerie', 'count=4');

  driver = await Driver.start({ dataDir });
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-dashboard'), { timeout: 30000 });
  await s.click(id('nav-dashboard'));

  // 7 + 1 + 3 women, 2 + 4 men, counted by hand.
  await s.waitForText(id('dash-women'), '11');
  await s.waitForText(id('dash-men'), '6');
  await s.selectOption(id('dash-filter-region'), 'Kayes');
  await s.waitForText(id('dash-women'), '8');
  await s.waitForText(id('dash-men'), '2');

  // Every chart has its numbers as a table.
  await s.click(id('chart-people-region-toggle'));
  await s.waitForText(id('chart-people-region-table'), /Kayes\s*8\s*2\s*10/);
  await s.screenshot(join(ARTIFACTS, 'dashboard.png'));

  // Export: CSV into a folder, with progress and the files listed.
  const out = join(dataDir, 'export-csv');
  await s.click(id('dash-export'));
  await s.selectOption(id('export-format'), 'csv');
  await s.type(id('export-out'), out);
  await s.click(id('export-hxl'));
  await s.screenshot(join(ARTIFACTS, 'export-csv.png'));
  await s.click(id('export-start'));
  await s.waitFor(id('export-done'), { timeout: 30000 });
  const csv = readFileSync(join(out, 'session.csv'));
  assert.equal(csv.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte-order mark');
  assert.match(csv.toString(), /#adm1\+name/);
  // The French UI writes what Excel set to French reads: values separated by semicolons.
  const header = csv.subarray(3).toString().split(/\r?\n/)[0];
  assert.ok(header.startsWith('id;') && !header.includes(','), header);
  await s.click(id('export-close'));
  await s.waitForGone(id('export-dialog'));

  // Anonymised (issue 13): a minimum cell below 3 is refused with its reason and writes
  // nothing; 3 is accepted. Kayes alone, then every region: the second export overlaps the
  // first without covering the same sessions, and the summary warns.
  const anon1 = join(dataDir, 'anon-kayes.json');
  await s.click(id('dash-export'));
  await s.selectOption(id('export-format'), 'json');
  await s.type(id('export-out'), anon1);
  await s.click(id('export-anonymised'));
  await s.clear(id('export-min-cell'));
  await s.type(id('export-min-cell'), '2');
  await s.click(id('export-start'));
  await s.waitForText(id('error-message'), /au moins 3/);
  assert.ok(!existsSync(anon1), 'nothing written below 3');
  await s.clear(id('export-min-cell'));
  await s.type(id('export-min-cell'), '3');
  // The error above makes the dialog scroll, leaving « Exporter » half shown at its bottom edge,
  // which WebKitWebDriver refuses to click: bring it into view, as a person would.
  await s.execute('arguments[0].scrollIntoView({ block: "nearest" })', await s.el(id('export-start')));
  await s.click(id('export-start'));
  await s.waitFor(id('export-done'), { timeout: 30000 });
  assert.ok(!(await s.displayed(id('export-overlap'))), 'no earlier export to overlap');
  assert.match(readFileSync(anon1, 'utf8'), /"date":"2025-01"/);
  await s.click(id('export-close'));
  await s.waitForGone(id('export-dialog'));
  await s.selectOption(id('dash-filter-region'), '');
  await s.waitForText(id('dash-women'), '11');
  await s.click(id('dash-export'));
  await s.selectOption(id('export-format'), 'json');
  await s.type(id('export-out'), join(dataDir, 'anon-all.json'));
  await s.click(id('export-anonymised'));
  await s.click(id('export-start'));
  await s.waitForText(id('export-overlap'), /1 séance\(s\) en commun/, { timeout: 30000 });
  await s.screenshot(join(ARTIFACTS, 'export-overlap.png'));
  await s.click(id('export-close'));
  await s.waitForGone(id('export-dialog'));

  // The study's report, in French, with its print button.
  await s.selectOption(id('dash-filter-study'), 'Étude tableau de bord');
  await s.click(id('dash-report'));
  await s.waitForText(id('report-doc'), /Étude tableau de bord/);
  assert.ok(await s.displayed(id('report-print')));
  await s.screenshot(join(ARTIFACTS, 'report.png'));
});
