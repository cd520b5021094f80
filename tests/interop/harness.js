// harness.js - what the interop tests share: GUN.js (the pinned npm `gun`),
// relays and agents started as processes on 127.0.0.1 and killed on exit,
// polling helpers, and a runner of named scenarios.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const readline = require('readline');

const modules = path.join(__dirname, '../conformance/node_modules');
const WebSocket = require(path.join(modules, 'ws'));

const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const GUNPP = arg('--gunpp');
const ONLY = arg('--only');
if (!GUNPP) {
  console.error('usage: ' + path.basename(process.argv[1]) +
                ' --gunpp PATH [--only NAME]');
  process.exit(2);
}

// GUN.js prints a banner and warnings on stdout; keep them on stderr.
const realLog = console.log;
console.log = (...a) => console.error(...a);
const Gun = require(path.join(modules, 'gun'));

const children = new Set();
function killAll() {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);

// Ends the run with FAIL if it takes longer than `seconds`.
function bound(seconds) {
  setTimeout(() => {
    realLog(`FAIL the whole run took longer than ${seconds} s`);
    process.exit(1);
  }, seconds * 1000).unref();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `check` until it returns true or `ms` pass.
async function until(check, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error('timed out waiting for ' + what);
}

// Starts a relay process that prints "listening[ on] ws://…" on `stream`;
// resolves with the process and the URL.
function startListener(command, args, stream) {
  const stdio = ['pipe', 'ignore', 'ignore'];
  stdio[stream === 'stdout' ? 1 : 2] = 'pipe';
  const child = spawn(command, args, { stdio });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child[stream] });
    lines.on('line', (line) => {
      const m = /listening (?:on )?(wss?:\/\/\S+)/.exec(line);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(command + ' exited with ' + code)));
  });
}

// `gunpp relay` on `port` (0: a free one), dialling `peers`.
function startRelay(port, peers = [], extra = []) {
  const args = ['relay', '--host', '127.0.0.1', '--port', String(port), ...extra];
  for (const p of peers) args.push('--peer', p);
  return startListener(GUNPP, args, 'stderr');
}

// A GUN.js relay in its own process.
function startGunRelay() {
  return startListener(process.execPath, [path.join(__dirname, 'gun_relay.js')], 'stdout');
}

// A GUN.js client in node: no files, no multicast, no stats, no AXE, not a
// super peer (so it re-sends its gets after a reconnect).
function gunClient(url) {
  return Gun({ peers: [url], radisk: false, rfs: false, file: false,
               localStorage: false, multicast: false, stats: false,
               axe: false, super: false });
}

// A raw WebSocket peer that records every message it receives.
function rawPeer(url) {
  const ws = new WebSocket(url);
  const heard = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '[]') return;
    const json = JSON.parse(text);
    for (const m of Array.isArray(json) ? json : [json]) heard.push(m);
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, heard }));
    ws.on('error', reject);
  });
}

// A running `gunpp agent`: send(command) resolves with its reply.
function startAgent(url, extra = []) {
  const child = spawn(GUNPP, ['agent', '--peer', url, ...extra],
                      { stdio: ['pipe', 'pipe', 'ignore'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const waiting = new Map();
  const events = [];
  let ready;
  const isReady = new Promise((r) => { ready = r; });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line);
    if (msg.event === 'ready') return ready();
    if (msg.event) return events.push(msg);
    const w = waiting.get(msg.id);
    if (w) { waiting.delete(msg.id); w(msg); }
  });
  let next = 0;
  const send = (command) => new Promise((resolve) => {
    command.id = ++next;
    waiting.set(command.id, resolve);
    child.stdin.write(JSON.stringify(command) + '\n');
  });
  return isReady.then(() => ({ child, send, events }));
}

// Headless Chromium on `page`, in its own process group (so that stopping
// it takes every Chromium process) with a profile of its own, which is also
// its TMPDIR: the folder of its singleton socket, which a killed Chromium
// cannot remove, goes when the profile does.
function startBrowser(page) {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser']
    .find((p) => fs.existsSync(p));
  if (!chromium) {
    throw new Error('chromium is not installed (scripts/setup --tests installs it)');
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--user-data-dir=' + profile, page];
  const browser = spawn(chromium, args,
    { stdio: 'ignore', detached: true, env: { ...process.env, TMPDIR: profile } });
  const group = { kill: (signal) => { try { process.kill(-browser.pid, signal); } catch (e) {} } };
  children.add(group);
  const exited = new Promise((r) => browser.on('exit', r));
  return {
    stop: async () => {
      group.kill('SIGKILL');
      children.delete(group);
      await exited;
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10 });
    },
  };
}

// Runs `scenarios` ({name, fn}) in order after `setup`, prints PASS or FAIL
// for each and "N passed, M failed" last, and exits with the outcome.
function run(scenarios, setup) {
  (async () => {
    await setup();
    let passed = 0;
    let failed = 0;
    for (const s of scenarios) {
      if (ONLY && s.name !== ONLY) continue;
      try {
        await s.fn();
        realLog('PASS ' + s.name);
        ++passed;
      } catch (e) {
        realLog('FAIL ' + s.name + ': ' + e.message);
        ++failed;
      }
    }
    realLog(`${passed} passed, ${failed} failed`);
    killAll();
    process.exit(failed === 0 ? 0 : 1);
  })().catch((e) => {
    realLog('FAIL setup: ' + e.message);
    killAll();
    process.exit(1);
  });
}

module.exports = {
  Gun, GUNPP, WebSocket, arg, bound, gunClient, killAll, modules, rawPeer,
  realLog, run, sleep, startAgent, startBrowser, startGunRelay, startListener,
  startRelay, until,
};
