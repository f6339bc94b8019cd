// The headquarters key on the study page of the real desktop binary (issue 13): headquarters
// made a key pair with the CLI; the coordinator's app sets its public half from the key file's
// path, shows its fingerprint, ticks a sealed field; a name written afterwards is sealed.
//
// Run: xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver, cliBinary } from './webdriver.mjs';

let driver;
after(async () => {
  await driver?.stop();
});

test('a coordinator sets the headquarters key on the study page and names are sealed', { timeout: 240000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'terrain-hq-'));
  const db = join(dataDir, 'terrain.db');
  const bin = cliBinary();
  const terrain = (dbPath, ...args) => execFileSync(bin, ['--db', dbPath, ...args]).toString().trim();
  const study = terrain(db, 'record', 'new', 'study', 'title=Étude scellée');
  const session = terrain(db, 'record', 'new', 'session', `study_id=${study}`, 'session_type=focus_group', 'date=2026-03-01');
  const keyFile = join(dataDir, 'hq-key.txt');
  const fingerprint = terrain(join(dataDir, 'hq.db'), 'hq', 'keygen', '--out', keyFile);

  driver = await Driver.start({ dataDir });
  const s = await driver.newSession();
  const id = (x) => s.byTestId(x);
  await s.waitFor(id('nav-studies'), { timeout: 30000 });
  await s.click(id('study-row'));
  await s.waitFor(id('hq-none'));
  await s.type(id('hq-key'), keyFile);
  await s.click(id('hq-set'));
  await s.waitForText(id('hq-fingerprint'), fingerprint);
  // Session notes are sealed too (the second field offered).
  const fields = await s.findAll(id('hq-field'));
  assert.equal(fields.length, 2);
  await s.click(fields[1]);
  await s.waitForText('p.notice', /Champs scellés enregistrés/);
  await s.screenshot(join(ARTIFACTS, 'hq-key.png'));

  const studyRow = JSON.parse(terrain(db, 'record', 'list', 'study', '--json'))[0];
  assert.deepEqual(studyRow.sealed_fields, ['session.notes']);
  terrain(db, 'record', 'new', 'participant', `session_id=${session}`, 'sex=female', 'name=Nom-Canari');
  const people = terrain(db, 'record', 'list', 'participant', '--json');
  assert.ok(people.includes('[scellé · sealed]') && !people.includes('Nom-Canari'), people);
});
