#!/usr/bin/env node
// gun_rad_write.js - have GUN.js's own RAD (lib/store.js + lib/radisk.js +
// lib/rfs.js) write a given graph into a radata folder.
//
// Usage: node gun_rad_write.js <node_modules> <out_folder> <chunk_bytes> <graph.json>
//
// graph.json: {"<soul>": {"<field>": [<value>, <state>], ...}, ...}
//   value: string | number | boolean | null | {"#": "<soul>"}
//   state: number (must not be in the future, see below)
//
// <chunk_bytes> becomes opt.chunk; RAD compares it with the JSON text length
// of a file in UTF-16 code units (not bytes).
//
// Prints one JSON line on stdout,
//   {"ok": true, "files": N, "fields": F, "names": [...], "dir_repaired": bool}
// and exits 0; on failure prints {"ok": false, "err": ...} and exits 1
// (also for exceptions GUN throws, e.g. URIError when a split would name a
// file after a key holding a lone surrogate, or ENAMETOOLONG errors).
// Everything GUN logs (welcome banner, warnings) goes to stderr.
//
// Use an empty or new output folder: RAD replaces leaves on disk without
// comparing states, and keeps whatever else is already there. Known GUN
// losses apply unchanged (docs/migration.md): a field whose radix edge
// is exactly "undefined" is dropped when its file splits.
//
// HOW THE STATES ARE SET EXACTLY
// The graph is turned into one GUN wire "put" message whose nodes carry
// their own state vectors, {soul: {_: {"#": soul, ">": {field: state}},
// field: value}}, and that message is injected with root.on('in', msg),
// i.e. exactly where GUN's mesh hands over a put heard from a peer. GUN's
// core then runs HAM per field (gun.js put()/ham()) and emits one
// root.on('put', {put: {'#': soul, '.': field, ':': value, '>': state}})
// per field; lib/store.js turns each into a RAD write of key
// soul + "\x1b" + field with value {":": value, ">": state}. Nothing in
// this script computes a state: GUN copies the state from the message.
// Two consequences of going through HAM:
//   * a state greater than the wall clock is deferred by ham() with a
//     setTimeout until that time, so such states are rejected up front;
//   * field "" (ends gun.js's per-node key loop) and field "_" (metadata)
//     cannot be written through a put at all, so they are rejected too.
// The message gets an id registered with root.ask(); GUN's core counts the
// per-field RAD acks (store.js acks each field once its file - and the
// directory file, when the file is new - has been renamed into place) and
// answers that id once every field is acked. Only then do we list the
// folder and exit.
//
// Options used: file=<out_folder>, chunk=<chunk_bytes>, localStorage off
// (its in-memory fallback would also ack writes and confuse the ack count),
// no peers; multicast, axe, SEA and stats are simply not loaded (only
// gun.js, lib/store.js and lib/rfs.js are required, the same pair that
// lib/server.js loads for RAD).
'use strict';

const path = require('path');
const fs = require('fs');

// fs.writeSync: process.stdout.write to a pipe is asynchronous and would be
// cut short by process.exit().
const out = (text) => { fs.writeSync(1, text); };
console.log = function () { console.error.apply(console, arguments); };

function fail(err) {
  out(JSON.stringify({ ok: false, err: String(err && err.stack || err) }) + '\n');
  process.exit(1);
}
process.on('uncaughtException', fail);

const argv = process.argv.slice(2);
if (argv.length !== 4) {
  console.error('usage: node gun_rad_write.js <node_modules> <out_folder> <chunk_bytes> <graph.json>');
  process.exit(2);
}
const [nm, folder, chunkArg, graphFile] = argv;
const chunk = Number(chunkArg);
if (!(chunk > 0)) fail('bad chunk size: ' + chunkArg);

let input;
try { input = JSON.parse(fs.readFileSync(graphFile, 'utf8')); } catch (e) { fail(e); }

const Gun = require(path.join(path.resolve(nm), 'gun', 'gun.js'));
require(path.join(path.resolve(nm), 'gun', 'lib', 'store.js')); // RAD <-> GUN glue (registers first,
require(path.join(path.resolve(nm), 'gun', 'lib', 'rfs.js'));   // so rfs sets opt.store before Radisk(opt) runs)

// Build the wire graph and validate with GUN's own rules.
const now = Date.now();
const graph = {};
let fields = 0;
for (const soul of Object.keys(input)) {
  const node = { _: { '#': soul, '>': {} } };
  for (const key of Object.keys(input[soul])) {
    const pair = input[soul][key];
    if (!Array.isArray(pair) || pair.length !== 2) fail(`${soul}.${key}: expected [value, state]`);
    const [val, state] = pair;
    if (key === '' || key === '_') fail(`${soul}: field ${JSON.stringify(key)} cannot be written through GUN`);
    if (!Gun.valid(val)) fail(`${soul}.${key}: value not valid for GUN: ${JSON.stringify(val)}`);
    if (typeof state !== 'number' || !isFinite(state)) fail(`${soul}.${key}: bad state`);
    if (state > now) fail(`${soul}.${key}: state ${state} is in the future (now ${now}); GUN would defer it`);
    node[key] = val;
    node._['>'][key] = state;
    fields++;
  }
  graph[soul] = node;
}

// RAD_S3_DUMP=1: RAD writes to a store with the interface lib/rs3.js gives
// it (put/get/list of objects keyed by file name, as in an S3 bucket), kept
// in memory; at the end every object is written into the folder under its
// key, as `aws s3 sync s3://bucket folder` would download them.
const s3 = process.env.RAD_S3_DUMP === '1' ? {} : null;
const bucket = s3 && {
  put(file, data, cb) { s3[file] = String(data); cb(undefined, 1); },
  get(file, cb) { cb(undefined, s3[file]); },
  list(cb) { Object.keys(s3).forEach((k) => cb(k)); cb(); },
};

fs.mkdirSync(folder, { recursive: true });
const gun = Gun({
  ...(bucket ? { store: bucket, rfs: false } : {}),
  file: folder,
  chunk: chunk,
  localStorage: false,
  peers: [],
  multicast: false,
  axe: false,
  lack: 10 * 60 * 1000, // root.ask timeout; default 9s could fire before a big import is flushed
});
const root = gun._;
// gun.js map() looks up (root.next || '')[soul]; before any chain exists
// root.next is undefined, so a soul named like a String.prototype method
// ("big", "link", "trim", ...) would make GUN call a string method and
// throw. A relay that has served any GET has root.next = {} (gun.js
// Gun.on.get), so start from that state.
root.next = root.next || {};

if (!fields) {
  out(JSON.stringify({ ok: true, files: fs.readdirSync(folder).length, fields: 0 }) + '\n');
  process.exit(0);
}

let finished = false;
const id = root.ask(function (ack) {
  if (finished) return;
  finished = true;
  if (ack.err) fail(ack.err);
  if (s3) {  // one object at a time, written in order: no directory race
    for (const [key, text] of Object.entries(s3)) fs.writeFileSync(path.join(folder, key), text);
  }
  (s3 ? (cb) => cb(undefined, false) : rewriteDirectory)(function (err, repaired) {
    if (err) fail(err);
    const names = fs.readdirSync(folder).sort();
    out(JSON.stringify({ ok: true, files: names.length, fields: fields, names: names, dir_repaired: repaired }) + '\n');
    process.exit(0);
  });
});
root.on('in', { '#': id, put: graph });

// RAD writes the directory file "%1C" once per newly created data file
// (radisk.js r.find.add), each time with a snapshot of its in-memory
// directory, and several of those writes run concurrently when a write
// splits into several files. lib/rfs.js writes each to its own temp file
// and renames it into place, so whichever rename lands last wins - often an
// older, incomplete snapshot (observed: "%1C" listing 1 of 4 files). GUN
// would then not find the data in the unlisted files after a restart. So,
// once every field is acked (all of those writes have completed), we have
// RAD's own r.write() store its complete in-memory directory one more time,
// alone. The "dir_repaired" flag in the output says whether the file on
// disk was incomplete before this.
function rewriteDirectory(cb) {
  const Radisk = require(path.join(path.resolve(nm), 'gun', 'lib', 'radisk.js'));
  const rad = (Radisk.has || {})[String(folder)];
  if (!rad || !rad.list) { cb('RAD instance or its directory not found'); return; }
  const dirFile = path.join(folder, '%1C');
  const before = fs.existsSync(dirFile) ? fs.readFileSync(dirFile, 'utf8') : null;
  const want = JSON.stringify(rad.list.$);
  rad.write(String.fromCharCode(28), rad.list, function (err) {
    if (err) { cb(err); return; }
    cb(undefined, before !== want);
  }, true);
}
