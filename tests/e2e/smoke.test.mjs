// Smoke test of the real desktop binary: it starts, shows its navigation, speaks French by default,
// and keeps its store in TERRAIN_DATA_DIR. Also records the cold-start time and memory use of the
// app (app process + its WebKit processes) in tests/e2e/artifacts/metrics.json.
//
// Run: xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, Driver } from './webdriver.mjs';

let driver;
let session;
let startupMs;

before(async () => {
  driver = await Driver.start();
  const t0 = performance.now();
  session = await driver.newSession();
  await session.waitFor(session.byTestId('nav-studies'), { timeout: 30000 });
  startupMs = Math.round(performance.now() - t0);
});

after(async () => {
  await driver?.stop();
});

test('the window shows the navigation', async () => {
  assert.ok(await session.displayed(session.byTestId('nav-studies')));
});

test('French is the default language', async () => {
  const nav = await session.text(session.byTestId('nav-studies'));
  assert.match(nav, /Études/, `navigation reads ${JSON.stringify(nav)}`);
  const lang = await session.execute('return document.documentElement.lang');
  assert.ok(!lang || lang.startsWith('fr'), `<html lang="${lang}">`);
});

test('the store lives in TERRAIN_DATA_DIR', async () => {
  // The app opens its store at start-up; the file appears in the directory given to it.
  await session.waitUntil(() => readdirSync(driver.dataDir).length > 0, {
    timeout: 10000,
    message: `a store file in ${driver.dataDir}`,
  });
});

test('screenshot and start-up figures', async () => {
  const shot = await session.screenshot(join(ARTIFACTS, 'smoke.png'));
  assert.ok(readFileSync(shot).subarray(1, 4).toString() === 'PNG');
  const metrics = { startupMs, rssKiB: processTreeRssKiB(driver.child.pid) };
  writeFileSync(join(ARTIFACTS, 'metrics.json'), JSON.stringify(metrics, null, 2));
  console.log(`app start-up to first screen: ${startupMs} ms; memory: ${JSON.stringify(metrics.rssKiB)}`);
});

/**
 * Resident memory (KiB) of the app and the WebKit processes it spawned, read from /proc (Linux only).
 * tauri-driver and WebKitWebDriver are test machinery and are left out.
 */
function processTreeRssKiB(rootPid) {
  if (process.platform !== 'linux') return null;
  const procs = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const name = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '';
      const ppid = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1]);
      const rss = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      procs.set(Number(entry), { name, ppid, rss });
    } catch {
      // the process ended while we read
    }
  }
  const byName = {};
  const walk = (pid) => {
    for (const [child, p] of procs) {
      if (p.ppid !== pid) continue;
      if (!/tauri-driver|WebKitWebDriver/.test(p.name)) byName[p.name] = (byName[p.name] ?? 0) + p.rss;
      walk(child);
    }
  };
  walk(rootPid);
  byName.total = Object.values(byName).reduce((a, b) => a + b, 0);
  return byName;
}
