#!/usr/bin/env node
// gun_driver.js - run the real GUN.js core in memory for differential tests.
//
// Usage: node gun_driver.js [--now MS] [FILE]
//
// Reads GUN wire messages from FILE (or stdin): a JSON array of messages, a
// single JSON message, or one JSON message per line (NDJSON). Each message is
// fed, one after the other, into a fresh in-memory GUN root exactly where the
// mesh would hand over a message heard from a peer (the root 'in' event).
// The next message is only injected once the event loop has gone idle, i.e.
// GUN has finished every asynchronous batching turn of the previous one.
// Finally one line of JSON is written to stdout:
//
//   {"graph": G, "errors": [E, ...]}
//
// G is GUN's in-memory graph, souls sorted and, inside every node, the
// state map and the fields sorted (JS default sort, i.e. UTF-16 order; "_"
// comes first in each node). E has one entry per input message: the error
// string GUN recorded on that message's context, or null.
//
// --now MS freezes the wall clock GUN reads (Date) at MS, so fields whose
// state is above GUN's clock are deferred and therefore absent from G.
//
// GUN runs in memory only, with no files and no network (gun_memory.js).
'use strict';

const fs = require('fs');

// ---------------------------------------------------------------- arguments
function usage(msg) {
  if (msg) process.stderr.write(`gun_driver: ${msg}\n`);
  process.stderr.write('usage: node gun_driver.js [--now MS] [FILE]\n');
  process.exit(2);
}

let nowMs; // undefined: use the real clock
let file; // undefined: read stdin
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--now') {
      if (i + 1 >= argv.length) usage('--now needs a value');
      nowMs = Number(argv[++i]);
      if (!Number.isFinite(nowMs)) usage(`bad --now value: ${argv[i]}`);
    } else if (a === '-h' || a === '--help') {
      usage();
    } else if (file === undefined && (a === '-' || !a.startsWith('--'))) {
      file = a === '-' ? undefined : a;
    } else {
      usage(`unexpected argument: ${a}`);
    }
  }
}

// ------------------------------------------------------------- read input
function parseMessages(text) {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  // A whole-document parse handles a JSON array and a single (maybe
  // pretty-printed) message; anything else is treated as NDJSON.
  let whole;
  let ok = false;
  try {
    whole = JSON.parse(trimmed);
    ok = true;
  } catch (e) {
    /* not a single JSON document: fall through to NDJSON */
  }
  let msgs;
  if (ok) {
    msgs = Array.isArray(whole) ? whole : [whole];
  } else {
    msgs = [];
    trimmed.split('\n').forEach((line, n) => {
      if (line.trim() === '') return;
      try {
        msgs.push(JSON.parse(line));
      } catch (e) {
        usage(`line ${n + 1}: ${e.message}`);
      }
    });
  }
  msgs.forEach((m, i) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      usage(`message ${i} is not a JSON object`);
    }
  });
  return msgs;
}

let messages;
try {
  messages = parseMessages(fs.readFileSync(file === undefined ? 0 : file, 'utf8'));
} catch (e) {
  usage(e.message);
}

// ------------------------------------------- environment set up before GUN
// 1. Fixed clock. GUN's state clock (Gun.state) and its other timestamps all
//    use `+new Date`, which does not go through Date.now, so the whole Date
//    constructor is replaced: `new Date()` with no argument yields MS, every
//    other use behaves as usual. Note that GUN's state clock still adds
//    N/999 per reading within one wall-clock millisecond (see
//    gun-behaviour.md 2.1), so with a frozen wall clock "now" creeps up
//    by 1/999 per HAM evaluation.
if (nowMs !== undefined) {
  const RealDate = Date;
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(nowMs);
      else super(...args);
    }
    static now() {
      return nowMs;
    }
  }
  globalThis.Date = FixedDate;
}

// 2. Timers and loading: see gun_memory.js.
const gunMemory = require('./gun_memory.js');
gunMemory.unrefTimers();
const root = gunMemory.load();
const contexts = [];

function inject(msg) {
  // GUN silently drops a message whose id it has already seen. Per-field
  // event ids count as seen too: message "m1" uses "m10", "m11", ... for
  // its fields, so a later message "m10" would vanish. Say so on stderr.
  const id = msg['#'];
  if (typeof id === 'string' && root.dup.s[id]) {
    process.stderr.write(`gun_driver: message ${contexts.length} ("${id}") dropped by GUN as a duplicate id\n`);
  }
  contexts.push(gunMemory.inject(root, msg));
}

// ------------------------------------------------------------- output
// JSON text with object members in JS default sort order. (A JS object
// cannot hold that order itself: integer-like names always come first.)
function sortedObject(entries) {
  return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + v).join(',') + '}';
}

function canonicalGraph(graph) {
  return sortedObject(
    Object.keys(graph).sort().map((soul) => {
      const node = graph[soul];
      const states = (node._ && node._['>']) || {};
      const meta = sortedObject([
        ['#', JSON.stringify(soul)],
        ['>', sortedObject(Object.keys(states).sort().map((k) => [k, JSON.stringify(states[k])]))],
      ]);
      const fields = Object.keys(node)
        .filter((k) => k !== '_')
        .sort()
        .map((k) => [k, JSON.stringify(node[k])]);
      return [soul, sortedObject([['_', meta], ...fields])];
    })
  );
}

function finish() {
  // Sanity checks: nothing queued in GUN's turn scheduler, and every put
  // walk that started has reached its end (its `stop` latch is set).
  const queued = ((setTimeout.turn || {}).s || []).length;
  const unfinished = contexts.filter((c) => c.stun !== undefined && !c.stop).length;
  if (queued || unfinished) {
    process.stderr.write(
      `gun_driver: GUN not idle at exit (${queued} turns queued, ${unfinished} puts unfinished)\n`
    );
    process.exitCode = 3;
  }
  const errors = contexts.map((c) => (c.err === undefined || c.err === null ? null : String(c.err)));
  process.stdout.write(
    '{"graph":' + canonicalGraph(root.graph) + ',"errors":' + JSON.stringify(errors) + '}\n'
  );
}

// --------------------------------------------------------------- main loop
// 'beforeExit' fires whenever the event loop has run dry: all of GUN's
// setImmediate-driven turns for the previous message are done (only
// unref'd timers may remain). Then inject the next message from a fresh
// macrotask, or print the result once all have been processed.
let next = 0;
let done = false;
process.on('beforeExit', () => {
  if (done) return;
  if (next < messages.length) {
    const msg = messages[next++];
    setImmediate(() => inject(msg));
    return;
  }
  done = true;
  finish();
});
