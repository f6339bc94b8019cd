// The window opens no taller and no wider than the screen: on a 1024×600 netbook the window that
// tauri.conf.json asks for (1280×800) is cut down to the monitor's work area (preventOverflow).
// The test starts its own X server at 1024×600, whatever screen the suite runs under.
//
// Run: xvfb-run -a -s '-screen 0 1366x768x24' node --test tests/e2e/window.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ARTIFACTS, Driver } from './webdriver.mjs';

let xvfb;
let driver;

after(async () => {
  await driver?.stop();
  xvfb?.kill('SIGTERM');
});

/** Starts Xvfb with one screen of `size` (WxH) on a free display; resolves with ':N'. */
function startXvfb(size) {
  return new Promise((resolve, reject) => {
    // -displayfd: the server picks a free display and writes its number on fd 3 once it is ready.
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${size}x24`, '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, display: `:${out.trim()}` });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display`)));
  });
}

test('at 1024×600 the window fits the screen', { timeout: 120000 }, async () => {
  const x = await startXvfb('1024x600');
  xvfb = x.child;
  driver = await Driver.start({ env: { DISPLAY: x.display } });
  const s = await driver.newSession();
  await s.waitFor(s.byTestId('nav-studies'), { timeout: 30000 });
  const size = await s.execute(
    'return { outerWidth, outerHeight, innerWidth, innerHeight, screenWidth: screen.width, screenHeight: screen.height };',
  );
  console.log(`window at 1024×600: ${JSON.stringify(size)}`);
  assert.equal(size.screenWidth, 1024, 'the app runs on the 1024×600 screen');
  assert.equal(size.screenHeight, 600);
  assert.ok(size.outerHeight <= 600, `window height ${size.outerHeight} fits a 600-pixel screen`);
  assert.ok(size.outerWidth <= 1024, `window width ${size.outerWidth} fits a 1024-pixel screen`);
  assert.ok(size.innerHeight >= 480, `the window keeps a usable height (${size.innerHeight})`);
  await s.screenshot(join(ARTIFACTS, 'window-1024x600.png'));
});
