#!/usr/bin/env node
// gun_rad_read.js - load a radata folder with GUN.js's own RAD (no network) and
// print what GUN serves for some souls.
//
// Usage: node gun_rad_read.js <node_modules> <folder> <soul> [<soul> ...]
//
// For every soul one GUN wire GET, {"#": id, "get": {"#": soul}}, is
// injected with root.on('in', ...), exactly as if a peer had asked this
// relay. lib/store.js answers it from RAD with one or more reply messages
// ({"@": id, "put": graph, "%": 1 while more files follow}); those replies
// are what a relay sends back to the peer. They are captured with
// root.ask(id) and merged per soul (if the same field arrives twice, the
// higher state wins, then the lexically greater JSON value - GUN's HAM
// rule).
//
// Prints one JSON line:
//   {"ok": true,
//    "nodes":  {soul: {"_": {"#": soul, ">": {field: state}}, field: value} | null},
//    "graph":  {soul: {field: [value, state]}}          (same data, gun_rad_write.js format)
//    "replies": {soul: number of reply messages},
//    "extra":  {soul: [other souls that came back in the same replies]},
//    "writes": [file names RAD wrote while reading]}
//
// Reading is not always read-only in RAD: if the directory file "%1C" is
// missing it is rebuilt from the folder listing, and keys found in a file
// that is not the one RAD's directory assigns them to are copied into the
// right file ("mislocated data", radisk.js r.read g.check). Such writes are
// listed in "writes". Set RAD_READONLY=1 to make them no-ops (they are then
// still listed, but the folder is not modified). RAD_READ_TIMEOUT_MS
// (default 30000) bounds each soul's read; see readSoul().
'use strict';

const path = require('path');
const fs = require('fs');

// fs.writeSync: process.stdout.write to a pipe is asynchronous and would be
// cut short by process.exit().
const out = (text) => { fs.writeSync(1, text); };
console.log = function () { console.error.apply(console, arguments); };
process.on('uncaughtException', function (err) {
  out(JSON.stringify({ ok: false, err: String(err && err.stack || err) }) + '\n');
  process.exit(1);
});

const argv = process.argv.slice(2);
if (argv.length < 2) {
  console.error('usage: node gun_rad_read.js <node_modules> <folder> <soul> [<soul> ...]');
  process.exit(2);
}
const [nm, folder, ...souls] = argv;
if (!fs.existsSync(folder)) {
  out(JSON.stringify({ ok: false, err: 'no such folder: ' + folder }) + '\n');
  process.exit(1);
}

const Gun = require(path.join(path.resolve(nm), 'gun', 'gun.js'));
require(path.join(path.resolve(nm), 'gun', 'lib', 'store.js'));
require(path.join(path.resolve(nm), 'gun', 'lib', 'rfs.js'));

const readonly = process.env.RAD_READONLY === '1';
const timeoutMs = Number(process.env.RAD_READ_TIMEOUT_MS) || 30000;
const writes = [];
let pendingWrites = 0;

// Gun.on('create') handlers run when Gun() is called: rfs sets opt.store,
// then store.js creates Radisk(opt), which immediately starts loading the
// directory. Wrap opt.store.put before that by supplying our own store
// object built from lib/rfs.js's Store().
const Store = require(path.join(path.resolve(nm), 'gun', 'lib', 'rfs.js'));
const opt = { file: folder, localStorage: false, peers: [], multicast: false, axe: false, lack: 10 * 60 * 1000 };
const store = Store({ file: folder, log: console.error });
const realPut = store.put;
opt.store = {
  get: store.get,
  list: store.list,
  put: function (file, data, cb) {
    writes.push(file);
    if (readonly) { cb(undefined, 1); return; }
    pendingWrites++;
    realPut(file, data, function (err, ok) { pendingWrites--; cb(err, ok); });
  },
};
const gun = Gun(opt);
const root = gun._;

function ham(node, key, val, state) {
  const have = node._['>'][key];
  if (have !== undefined) {
    if (state < have) return;
    if (state === have && JSON.stringify(val) <= JSON.stringify(node[key])) return;
  }
  node._['>'][key] = state;
  node[key] = val;
}

const result = { ok: true, nodes: {}, graph: {}, replies: {}, extra: {}, writes: writes };
const errors = [];

function readSoul(soul, done) {
  let merged = null;
  let n = 0;
  const extra = new Set();
  let over = false;
  // RAD can loop forever on a soul read (a file listed in "%1C" but missing
  // on disk, reached as the "next" file of a multi-file read, is re-read as
  // the previous file again and again), so give up after a while.
  const timer = setTimeout(function () {
    over = true;
    errors.push({ soul: soul, err: 'read did not finish in ' + timeoutMs + ' ms (' + n + ' replies)' });
    result.nodes[soul] = merged;
    result.replies[soul] = n;
    done();
  }, timeoutMs);
  const id = root.ask(function (msg) {
    if (over) return;
    n++;
    if (msg.err) errors.push({ soul: soul, err: String(msg.err) });
    const put = msg.put || {};
    for (const s of Object.keys(put)) {
      if (s !== soul) { extra.add(s); continue; }
      const node = put[s];
      const states = (node._ || {})['>'] || {};
      merged = merged || { _: { '#': soul, '>': {} } };
      for (const k of Object.keys(node)) {
        if (k === '_') continue;
        ham(merged, k, node[k], states[k]);
      }
    }
    if (msg['%'] && !msg.err && !msg.lack) return; // more chunks follow
    this.off();
    clearTimeout(timer);
    result.nodes[soul] = merged;
    result.replies[soul] = n;
    if (extra.size) result.extra[soul] = Array.from(extra).sort();
    done();
  });
  root.on('in', { '#': id, get: { '#': soul } });
}

function sortNode(node) {
  if (!node) return null;
  const keys = Object.keys(node).filter((k) => k !== '_').sort();
  const o = { _: { '#': node._['#'], '>': {} } };
  for (const k of keys) { o._['>'][k] = node._['>'][k]; o[k] = node[k]; }
  return o;
}

let i = 0;
(function next() {
  if (i >= souls.length) return finish();
  readSoul(souls[i++], next);
})();

function finish() {
  for (const s of Object.keys(result.nodes)) {
    const node = result.nodes[s] = sortNode(result.nodes[s]);
    if (!node) continue;
    const g = result.graph[s] = {};
    for (const k of Object.keys(node)) if (k !== '_') g[k] = [node[k], node._['>'][k]];
  }
  if (errors.length) { result.ok = false; result.errors = errors; }
  // Give RAD time to flush writes that reading may have triggered
  // (batched for opt.until = 250 ms), then exit.
  const t0 = Date.now();
  (function wait() {
    if ((pendingWrites > 0 || Date.now() - t0 < 400) && Date.now() - t0 < 30000) { setTimeout(wait, 50); return; }
    out(JSON.stringify(result) + '\n');
    process.exit(result.ok ? 0 : 1);
  })();
}
