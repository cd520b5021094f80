#!/usr/bin/env node
// Times GUN.js on the same wire messages that gunpp_ingest times.
//
// Usage: node gun_ingest.js --variant published|fixed FILE [--get SOUL]
//        node gun_ingest.js --variant published|fixed FILE --print
//
// FILE holds one put message, or one message per line (all injected at once,
// as concurrent peers). Prints one JSON line:
//   {"ingest_ms": ..., "get_ms": ..., "fields": ..., "peak_rss_mib": ...}
// ingest_ms runs from the JSON text to every field applied (JSON.parse,
// then GUN's put pipeline until its batching turns are done); get_ms is a
// get of the whole node SOUL until every reply chunk has been produced.
//
// With --print, it does what `gunpp apply FILE` does instead: applies the
// messages and writes the resulting graph to stdout as one JSON object
// ({"graph": ...}), for timing the whole process end to end.
//
// "published" is GUN.js as installed (npm gun, pinned in
// tests/conformance/package-lock.json). "fixed" is a copy of it, patched at
// run time so that the put walker and the get reply resume with an index
// cursor instead of re-slicing the remaining key list on every 9-key turn.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const gunMemory = require('../../tests/conformance/gun_memory.js');

const argv = process.argv.slice(2);
const variant = argv[argv.indexOf('--variant') + 1];
const getSoul = argv.includes('--get') ? argv[argv.indexOf('--get') + 1] : null;
const printGraph = argv.includes('--print');
const file = argv.filter((a, i) => !a.startsWith('--') && !['--variant', '--get'].includes(argv[i - 1]))[0];
if (!['published', 'fixed'].includes(variant) || !file) {
  console.error('usage: node gun_ingest.js --variant published|fixed FILE [--get SOUL | --print]');
  process.exit(2);
}

// The index-cursor fix, as (original, replacement) pairs; each original must
// occur exactly once in the bundle.
const FIX = [
  // put walker: a cursor `kc` into the node's key list, reset per node.
  ['var ni = 0, nj, kl, soul, node, states, err, tmp;',
   'var ni = 0, nj, kl, kc = 0, soul, node, states, err, tmp;'],
  ['kl = Object.keys(node||{});', 'kl = Object.keys(node||{}); kc = 0;'],
  ['while(o++ < 9 && (key = kl[i++])){', 'while(o++ < 9 && (key = kl[kc + i++])){'],
  ['if((kl = kl.slice(i)).length){ turn(pop); return }',
   'if((kc += i) < kl.length){ turn(pop); return }'],
  // get reply: the cursor `j` (declared, unused) into the sorted names.
  ['while(i < 9 && (k = keys[i++])){', 'while(i < 9 && (k = keys[j + i++])){'],
  ['keys = keys.slice(i);', 'j += i;'],
  ['tmp = keys.length;', 'tmp = Math.max(keys.length - j, 0);'],
];

function fixedBundle() {
  let text = fs.readFileSync(require.resolve('gun/gun.js', { paths: [path.join(__dirname, '../../tests/conformance')] }), 'utf8');
  for (const [from, to] of FIX) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) {
      console.error(`gun_ingest: the fix does not apply to this GUN.js: ${from}`);
      process.exit(3);
    }
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gun-fixed-')), 'gun.js');
  fs.writeFileSync(out, text);
  return out;
}

gunMemory.unrefTimers();
const bundle = variant === 'fixed' ? fixedBundle() : undefined;
const root = gunMemory.load(bundle);
// Loaded: the patched copy's directory is not needed any more.
if (bundle) fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
const text = fs.readFileSync(file, 'utf8');

// Runs `work`, then calls `done(ms)` once GUN has nothing left to do. The
// empty setImmediate keeps the loop alive for one more tick: called from a
// 'beforeExit' listener, a work that schedules nothing would otherwise let
// the process exit without emitting 'beforeExit' again.
function timed(work, done) {
  const start = process.hrtime.bigint();
  work();
  setImmediate(() => {});
  process.once('beforeExit', () => done(Number(process.hrtime.bigint() - start) / 1e6));
}

const result = {};
timed(() => {
  const lines = text.trim().split('\n');
  const messages = lines.length === 1 ? [JSON.parse(lines[0])] : lines.map((l) => JSON.parse(l));
  for (const m of messages) gunMemory.inject(root, m);
}, (ms) => {
  if (printGraph) {
    process.stdout.write(JSON.stringify({ graph: root.graph }) + '\n');
    return;
  }
  result.ingest_ms = ms;
  result.fields = Object.values(root.graph).reduce((n, node) => n + Object.keys(node).length - 1, 0);
  if (!getSoul) return print();
  timed(() => gunMemory.inject(root, { '#': 'bench-get', get: { '#': getSoul } }), (getMs) => {
    result.get_ms = getMs;
    print();
  });
});

// The process's peak resident memory (VmHWM), in MiB.
function peakRssMib() {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return parseInt(line.slice(6), 10) / 1024;
}

function print() {
  result.peak_rss_mib = peakRssMib();
  process.stdout.write(JSON.stringify(result) + '\n');
}
