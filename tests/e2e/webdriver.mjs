// A small, dependency-free WebDriver client (Node 20: fetch, child_process) that drives the real
// Terrain desktop binary through tauri-driver, which starts Debian's WebKitWebDriver by itself.
//
// API (other e2e tests rely on it; keep it stable and documented here)
//
//   import { launch, Driver, Keys, REPO, ARTIFACTS, appBinary, cliBinary } from './webdriver.mjs';
//
//   const { driver, session, dataDir } = await launch({ dataDir?, env?, application?, args? });
//       Starts tauri-driver on a free port (with a free --native-port), waits for GET /status,
//       then opens a session on the app. The app's environment is tauri-driver's environment, so
//       TERRAIN_DATA_DIR=dataDir (a fresh temp dir unless given) and `env` are set on that child.
//   const driver = await Driver.start({ env?, dataDir?, bin?, logFile?, plainStore? })   lower level
//       plainStore (default true): on the first start of an empty data directory the app asks how
//       to create its store; newSession() then picks "without a passphrase" so that tests about
//       other screens start on the studies screen. Pass false to drive that first screen yourself.
//   const session = await driver.newSession({ application?, args?, timeout? })   (re)launches the app
//   await session.deleteSession()   closes the app (the driver stays up: newSession() relaunches it
//                                   on the same data directory, as a person reopening the app)
//   await driver.stop()             ends any open session, then tauri-driver and WebKitWebDriver
//
//   Session helpers. A `target` is a CSS selector string or an element returned by find/waitFor.
//     byTestId(id)                      -> '[data-testid="id"]' (a CSS selector string)
//     find(css) / findAll(css)          -> element | null / element[]  (no waiting)
//     waitFor(css, { timeout = 10000, visible = true })  -> element; throws with the selector on timeout
//     waitForGone(css, { timeout })     waits until no displayed element matches
//     waitForText(target, expected, { timeout })  expected: string (substring) or RegExp; -> text
//     waitUntil(fn, { timeout, interval, message })  polls an async predicate until truthy
//     click(target)                     waits for the element, then clicks it
//     type(target, text)                sends keys to the element (use Keys.ENTER, Keys.TAB, ...)
//     clear(target)                     empties an input or textarea
//     selectOption(target, valueOrLabel)  picks an <option> by value, else by visible label, and fires
//                                       input + change as a person's choice would
//     text(target) / value(target) / attr(target, name) / displayed(target)
//     active()                          -> the focused element (to keep typing where focus moved)
//     execute(script, ...args)          runs `script` (a function body) in the page; returns its value
//     screenshot(path)                  saves a PNG of the window (directories are created)
//     title() / source()
//
//   cliBinary()  the terrain CLI: $TERRAIN_CLI_BIN, else <target>/debug/terrain, else release
//   appBinary()  the desktop binary: $TERRAIN_APP_BIN, else $CARGO_TARGET_DIR/debug/terrain-app,
//                else <repo>/target/debug/terrain-app
//   ARTIFACTS    <repo>/tests/e2e/artifacts (gitignored: screenshots, driver logs)
//
// The binary must serve the built UI (ui/dist) itself: a plain `cargo build` of a Tauri 2 app runs in
// "dev" mode and loads build.devUrl unless tauri's `custom-protocol` feature is on.
//
// Linux needs a display: run tests under `xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/`.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(REPO, 'tests', 'e2e', 'artifacts');
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const EXE = process.platform === 'win32' ? '.exe' : '';

/** WebDriver special keys (https://w3c.github.io/webdriver/#keyboard-actions). */
export const Keys = Object.freeze({
  BACKSPACE: '\uE003',
  TAB: '\uE004',
  ENTER: '\uE007',
  ESCAPE: '\uE00C',
  SPACE: '\uE00D',
  ARROW_LEFT: '\uE012',
  ARROW_UP: '\uE013',
  ARROW_RIGHT: '\uE014',
  ARROW_DOWN: '\uE015',
  DELETE: '\uE017',
  CONTROL: '\uE009',
  SHIFT: '\uE008',
});

export class WebDriverError extends Error {
  constructor(error, message, path) {
    super(`${error}: ${message} (${path})`);
    this.name = 'WebDriverError';
    this.error = error;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The desktop binary to drive (see the API note at the top). */
export function appBinary() {
  if (process.env.TERRAIN_APP_BIN) return resolve(process.env.TERRAIN_APP_BIN);
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(REPO, process.env.CARGO_TARGET_DIR)
    : join(REPO, 'target');
  return join(target, 'debug', `terrain-app${EXE}`);
}

/** The `terrain` CLI the tests prepare data and run hubs with: $TERRAIN_CLI_BIN, else the debug
 *  build, else the release build, in $CARGO_TARGET_DIR or <repo>/target. */
export function cliBinary() {
  if (process.env.TERRAIN_CLI_BIN) return resolve(process.env.TERRAIN_CLI_BIN);
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(REPO, process.env.CARGO_TARGET_DIR)
    : join(REPO, 'target');
  for (const profile of ['debug', 'release']) {
    const bin = join(target, profile, `terrain${EXE}`);
    if (existsSync(bin)) return bin;
  }
  throw new Error('the terrain CLI is not built: cargo build -p terrain-cli');
}

function tauriDriverBinary() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const local = join(REPO, '.tools', 'bin', `tauri-driver${EXE}`);
  if (existsSync(local)) return local;
  const cargoHome = process.env.CARGO_HOME || join(process.env.HOME || '', '.cargo');
  const fromCargo = join(cargoHome, 'bin', `tauri-driver${EXE}`);
  if (existsSync(fromCargo)) return fromCargo;
  throw new Error(
    'tauri-driver not found: run `bash scripts/setup.sh` ' +
      '(or `cargo install --locked --root .tools tauri-driver@2.1.0`)',
  );
}

/** A port that was free a moment ago (the OS picks it; closed before tauri-driver binds it). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function request(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await res.text();
  let json;
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    throw new WebDriverError('invalid response', `HTTP ${res.status}: ${raw.slice(0, 300)}`, path);
  }
  const value = json.value;
  if (!res.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    throw new WebDriverError(value?.error ?? `HTTP ${res.status}`, value?.message ?? raw.slice(0, 300), path);
  }
  return value;
}

export class Driver {
  /** Starts tauri-driver on free ports and waits until it answers GET /status. */
  static async start({ env = {}, dataDir, bin, logFile, timeout = 30000, plainStore = true } = {}) {
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      throw new Error(
        "no display: run under xvfb-run -a -s '-screen 0 1280x800x24' node --test tests/e2e/",
      );
    }
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'terrain-e2e-'));
    const port = await freePort();
    const nativePort = await freePort();
    mkdirSync(ARTIFACTS, { recursive: true });
    const log = createWriteStream(logFile ?? join(ARTIFACTS, `tauri-driver-${port}.log`));
    // detached: tauri-driver gets its own process group, so stop() can end it together with the
    // WebKitWebDriver and app processes it starts, and nothing outlives the test.
    const child = spawn(
      bin ?? tauriDriverBinary(),
      ['--port', String(port), '--native-port', String(nativePort)],
      {
        env: { ...process.env, TERRAIN_DATA_DIR: dir, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      },
    );
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const driver = new Driver(child, `http://127.0.0.1:${port}`, dir, log);
    driver.plainStore = plainStore;
    let exited = null;
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      driver.exited = exited;
    });
    child.once('error', (err) => {
      exited = { error: err };
    });
    const deadline = Date.now() + timeout;
    for (;;) {
      if (exited) {
        throw new Error(`tauri-driver exited before answering: ${JSON.stringify(exited)} (log: ${log.path})`);
      }
      try {
        await request(driver.base, 'GET', '/status');
        return driver;
      } catch (err) {
        if (Date.now() > deadline) {
          await driver.stop();
          throw new Error(`tauri-driver did not answer GET /status within ${timeout} ms: ${err.message}`);
        }
        await sleep(100);
      }
    }
  }

  constructor(child, base, dataDir, log) {
    this.child = child;
    this.base = base;
    this.dataDir = dataDir;
    this.log = log;
    this.sessions = new Set();
    this.exited = null;
  }

  /** Launches the app and opens a WebDriver session on its window. */
  async newSession({ application = appBinary(), args = [], timeout = 60000 } = {}) {
    if (!existsSync(application)) {
      throw new Error(`app binary not found at ${application}: build it with \`cargo build -p terrain-app\``);
    }
    let timer;
    const created = await Promise.race([
      request(this.base, 'POST', '/session', {
        capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`session not created within ${timeout} ms`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
    const session = new Session(this, created.sessionId);
    this.sessions.add(session);
    if (this.plainStore) await session.passFirstStart();
    return session;
  }

  /** Ends open sessions, then tauri-driver and the processes it started. */
  async stop() {
    for (const s of [...this.sessions]) {
      await s.deleteSession().catch(() => {});
    }
    const child = this.child;
    if (!this.exited && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      const kill = (sig) => {
        try {
          if (process.platform === 'win32') child.kill(sig);
          else process.kill(-child.pid, sig);
        } catch {
          // already gone
        }
      };
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    await new Promise((r) => this.log.end(r));
  }
}

const isElement = (t) => t && typeof t === 'object' && ELEMENT in t;

export class Session {
  constructor(driver, id) {
    this.driver = driver;
    this.id = id;
  }

  cmd(method, path, body) {
    return request(this.driver.base, method, `/session/${this.id}${path}`, body);
  }

  byTestId(id) {
    return `[data-testid="${id}"]`;
  }

  /** On a new data directory's first screen, creates the store without a passphrase; on any
   *  other start (the app open, or locked), does nothing. Waits until one of them shows. */
  async passFirstStart() {
    const plain = this.byTestId('create-plain');
    const nav = this.byTestId('nav-studies');
    const locked = this.byTestId('door-locked');
    const shown = async () =>
      (await this.find(plain)) || (await this.find(nav)) || (await this.find(locked));
    await this.waitUntil(shown, {
      timeout: 30000,
      message: 'neither the first-start screen, the navigation nor the unlock screen showed',
    });
    if (await this.find(plain)) {
      await this.click(plain);
      await this.waitFor(nav, { timeout: 30000 });
    }
  }

  async find(css) {
    const all = await this.findAll(css);
    return all[0] ?? null;
  }

  async findAll(css) {
    return this.cmd('POST', '/elements', { using: 'css selector', value: css });
  }

  async waitUntil(fn, { timeout = 10000, interval = 100, message = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (err) {
        // Stale elements and pages mid-render are expected while waiting.
        last = err;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${message}${last ? `: ${last.message}` : ''}`);
      }
      await sleep(interval);
    }
  }

  async waitFor(css, { timeout = 10000, visible = true } = {}) {
    return this.waitUntil(
      async () => {
        for (const el of await this.findAll(css)) {
          if (!visible || (await this.displayed(el))) return el;
        }
        return null;
      },
      { timeout, message: `${visible ? 'visible ' : ''}${css}` },
    );
  }

  async waitForGone(css, { timeout = 10000 } = {}) {
    await this.waitUntil(
      async () => {
        for (const el of await this.findAll(css)) {
          if (await this.displayed(el).catch(() => false)) return false;
        }
        return true;
      },
      { timeout, message: `${css} to disappear` },
    );
  }

  async waitForText(target, expected, { timeout = 10000 } = {}) {
    let seen = '';
    const ok = (t) => (expected instanceof RegExp ? expected.test(t) : t.includes(expected));
    try {
      return await this.waitUntil(
        async () => {
          seen = await this.text(typeof target === 'string' ? await this.waitFor(target, { timeout }) : target);
          return ok(seen) ? seen : null;
        },
        { timeout },
      );
    } catch {
      throw new Error(`timed out after ${timeout} ms waiting for ${String(expected)} in ${describe(target)}; text was ${JSON.stringify(seen)}`);
    }
  }

  async el(target) {
    return isElement(target) ? target : this.waitFor(target);
  }

  async click(target) {
    const el = await this.el(target);
    await this.cmd('POST', `/element/${el[ELEMENT]}/click`, {});
  }

  async type(target, text) {
    const el = await this.el(target);
    const s = String(text);
    await this.cmd('POST', `/element/${el[ELEMENT]}/value`, { text: s, value: [...s] });
  }

  async clear(target) {
    const el = await this.el(target);
    await this.cmd('POST', `/element/${el[ELEMENT]}/clear`, {});
  }

  async selectOption(target, valueOrLabel) {
    const el = await this.el(target);
    // Done in the page: native <select> popups are outside the DOM and not reliably clickable under
    // WebKitWebDriver; the events are the ones a person's choice fires, so Svelte bindings see it.
    const picked = await this.execute(
      `const [sel, want] = arguments;
       const opt = [...sel.options].find((o) => o.value === want)
         ?? [...sel.options].find((o) => o.textContent.trim() === want);
       if (!opt) return null;
       sel.value = opt.value;
       sel.dispatchEvent(new Event('input', { bubbles: true }));
       sel.dispatchEvent(new Event('change', { bubbles: true }));
       return opt.value;`,
      el,
      String(valueOrLabel),
    );
    if (picked === null) throw new Error(`no option ${JSON.stringify(valueOrLabel)} in ${describe(target)}`);
    return picked;
  }

  async text(target) {
    const el = await this.el(target);
    return this.cmd('GET', `/element/${el[ELEMENT]}/text`);
  }

  async value(target) {
    const el = await this.el(target);
    return this.cmd('GET', `/element/${el[ELEMENT]}/property/value`);
  }

  async attr(target, name) {
    const el = await this.el(target);
    return this.cmd('GET', `/element/${el[ELEMENT]}/attribute/${encodeURIComponent(name)}`);
  }

  async displayed(target) {
    const el = isElement(target) ? target : await this.find(target);
    if (!el) return false;
    return this.cmd('GET', `/element/${el[ELEMENT]}/displayed`);
  }

  async active() {
    return this.cmd('GET', '/element/active');
  }

  async execute(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async title() {
    return this.cmd('GET', '/title');
  }

  async source() {
    return this.cmd('GET', '/source');
  }

  async screenshot(path) {
    const b64 = await this.cmd('GET', '/screenshot');
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, Buffer.from(b64, 'base64'));
    return path;
  }

  /** Closes the app window and ends the session. */
  async deleteSession() {
    if (!this.driver.sessions.delete(this)) return;
    await request(this.driver.base, 'DELETE', `/session/${this.id}`);
  }
}

function describe(target) {
  return typeof target === 'string' ? target : `element ${target?.[ELEMENT]}`;
}

/** Starts tauri-driver with a (fresh) data directory and opens a session on the app. */
export async function launch({ dataDir, env, application, args, bin } = {}) {
  const driver = await Driver.start({ dataDir, env, bin });
  try {
    const session = await driver.newSession({ application, args });
    return { driver, session, dataDir: driver.dataDir };
  } catch (err) {
    await driver.stop();
    throw err;
  }
}
