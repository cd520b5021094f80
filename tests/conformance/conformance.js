#!/usr/bin/env node
// Differential conformance: the same generated GUN wire messages go through
// the real GUN.js (gun_driver.js) and through `gunpp apply`; the graphs must
// be identical.
//
// Usage: node conformance.js --gunpp PATH [--count N] [--seed S] [--only ID]
//                              [--storage]
//
// Each scenario is a small world of its own: several peers writing the same
// souls and keys with equal, higher and lower states, every kind of value,
// tie-break traps, future states, empty keys, and now and then one invalid
// message. Scenarios get their own soul prefix so that all of them run
// through one process per implementation.
//
// Checked, for every scenario:
//  1. gunpp's graph (all messages) equals GUN.js's graph of the valid
//     messages: valid input converges identically, and an invalid message
//     changes nothing in gunpp (docs/compat.md C1-C4);
//  2. gunpp's graph does not depend on delivery order (a shuffled run);
//  3. gunpp reports an error for exactly the invalid messages;
//  4. GUN.js, given the invalid messages too, reports an error for them or
//     drops them in one of its documented silent ways.
// With --storage, check 1 uses the graph gunpp stored in a SQLite file:
// half the messages in one `gunpp apply --db` process, the rest in a second
// one on the same file, the graph read back by `gunpp export`.
// On failure the seed and scenario are printed with the command that runs
// that scenario alone.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// ------------------------------------------------------------- arguments
const args = { count: 10000, seed: Date.now() % 2147483647, only: null, gunpp: null,
               storage: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const next = () => process.argv[++i];
  if (a === '--count') args.count = Number(next());
  else if (a === '--seed') args.seed = Number(next());
  else if (a === '--only') args.only = Number(next());
  else if (a === '--gunpp') args.gunpp = next();
  else if (a === '--storage') args.storage = true;
  else {
    console.error(`conformance: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (!args.gunpp) {
  console.error('usage: node conformance.js --gunpp PATH [--count N] [--seed S] [--only ID] [--storage]');
  process.exit(2);
}

// Machine time for both implementations. Past states stay below it; future
// ones are at least a day above, beyond the creep of GUN's state counter.
const NOW = 1700000000000;
const DAY = 86400000;

// ------------------------------------------------------ seeded generator
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Markers replaced in the JSON text by what JSON.stringify cannot write.
const NEG_ZERO = '\u0000NEG_ZERO\u0000';
const INFINITE = '\u0000INFINITE\u0000';
function toWire(message) {
  return JSON.stringify(message)
    .split(JSON.stringify(NEG_ZERO)).join('-0')
    .split(JSON.stringify(INFINITE)).join('1e999');
}

// Tie-break traps: cross-type ordering, numbers compared as text, escapes,
// and the UTF-16 versus UTF-8 ordering of U+FFFD and U+1F600.
const VALUES = [
  null, true, false,
  0, NEG_ZERO, 1, 2, 9, 10, -1, -2, 1e21, 2e21, 1e-7, 1.5e-7, 0.000001,
  0.1, 0.1 + 0.2, 1 / 3, 3.141592653589793, 123456789012345680000,
  1.7976931348623157e308, 5e-324, 4.35, -0.5,
  '', 'a', 'a!', 'a ', 'ab', 'b', 'a"', 'a#', 'a\\', 'line\nbreak', 'tab\t',
  '\u0001', '\u001f', '\u007f', '/', '\ufffd', '\ud83d\ude00', '\uffff',
  '\ue000', 'é', 'e\u0301', '\u2028', '1', '9', '10', 'null', 'true',
  { '#': 'x' }, { '#': 'y' }, { '#': 'a"b' }, { '#': '\ud83d\ude00' },
];
const KEYS = ['k', 'name', 'a', 'b', '0', '9', '10', '_a', 'Z', '\ufffd',
  '\ud83d\ude00', 'é', 'sp ace', 'q"uote'];
const SOULS = ['a', 'b', 'node', '7', '\ufffd', '\ud83d\ude00', 'with/slash'];
const PAST_STATES = [1000, 1000, 1000, 1001, 1002, 1000.5, 999, 0, -5, NOW];

function generate(id, rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const prefix = `s${id}:`;
  const souls = Array.from({ length: int(1, 3) }, () => prefix + pick(SOULS));
  const keys = Array.from({ length: int(1, 5) }, () => pick(KEYS));
  const messages = [];
  const invalid = [];
  const count = int(2, 7);
  for (let m = 0; m < count; m++) {
    const put = {};
    for (const soul of souls) {
      if (rand() < 0.3) continue;
      const node = { _: { '#': soul, '>': {} } };
      for (const key of keys) {
        if (rand() < 0.3) continue;
        node[key] = pick(VALUES);
        node._['>'][key] = rand() < 0.06 ? NOW + DAY + int(0, 1000) : pick(PAST_STATES);
      }
      if (rand() < 0.05) {
        node[''] = pick(VALUES); // dropped by both, unchecked
        node._['>'][''] = 1000;
      }
      if (rand() < 0.05) node._['>'].ghost = 1000; // a state with no field
      if (rand() < 0.05) node._.extra = 'meta';
      put[soul] = rand() < 0.2 ? moveMetaLast(node) : node;
    }
    const message = { '#': `m${String(id).padStart(6, '0')}${String(m).padStart(2, '0')}`, put };
    const category = rand() < 0.12 ? corrupt(message, pick) : null;
    if (category) invalid.push({ index: m, category });
    if (!category && rand() < 0.02) {
      // GUN's internal single-field form: both ignore it.
      message.put = { '#': souls[0], '.': keys[0], ':': 1, '>': 1000 };
    }
    messages.push(message);
  }
  return { id, messages, invalid };
}

function moveMetaLast(node) {
  const { _, ...fields } = node;
  return { ...fields, _ };
}

// Makes `message` invalid in one of GUN's error categories; returns the
// category name, or null when the message had nothing to corrupt.
function corrupt(message, pick) {
  const souls = Object.keys(message.put);
  if (souls.length === 0) return null;
  const soul = pick(souls);
  const node = message.put[soul];
  const fields = Object.keys(node).filter((k) => k !== '_' && k !== '');
  const kinds = ['no node', 'no meta', 'soul not same', 'no state map', 'empty soul'];
  if (fields.length > 0) {
    kinds.push('bad value', 'bad link', 'no field state', 'string state', 'infinite value');
  }
  const kind = pick(kinds);
  const field = fields.length ? pick(fields) : null;
  switch (kind) {
    case 'no node': message.put[soul] = pick([null, 0, false, '']); break;
    case 'no meta': message.put[soul] = pick([{ x: 1 }, 'text', [1], 5]); break;
    case 'soul not same': node._['#'] = soul + 'x'; break;
    case 'no state map': delete node._['>']; break;
    case 'empty soul': message.put[''] = { _: { '#': '', '>': { x: 1000 } }, x: 1 }; break;
    case 'bad value': node[field] = pick([[1, 2], [], { y: 1 }, {}]); break;
    case 'bad link': node[field] = pick([{ '#': '' }, { '#': 5 }, { '#': 'b', '.': 'c' }]); break;
    case 'no field state': delete node._['>'][field]; break;
    case 'string state': node._['>'][field] = pick(['abc', '1000', null, true]); break;
    case 'infinite value': node[field] = INFINITE; break;
  }
  // GUN.js loses errors on the last field it walks; note whether this is it.
  return kind;
}

// ------------------------------------------------------------- running
const here = __dirname;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-conformance-'));

function writeNdjson(name, messages) {
  const file = path.join(work, name);
  fs.writeFileSync(file, messages.map(toWire).join('\n') + '\n');
  return file;
}

const timings = [];
function run(command, argv) {
  const start = Date.now();
  const out = execFileSync(command, argv, { maxBuffer: 1 << 30, encoding: 'utf8' });
  timings.push(`${path.basename(argv[argv.length - 1])} through ${path.basename(argv[0] === 'apply' ? command : argv[0])}: ${Date.now() - start} ms`);
  return JSON.parse(out);
}

function gun(file) {
  return run(process.execPath, [path.join(here, 'gun_driver.js'), '--now', String(NOW), file]);
}

// gun_driver.js runs GUN.js without SEA, so gunpp runs without it too.
function gunpp(file) {
  return run(args.gunpp, ['apply', '--no-sea', '--now', String(NOW), file]);
}

// With --storage: the messages go through a SQLite file in two processes
// (half each, the second reopening what the first stored), and the graph is
// what `gunpp export` reads back from the file after that.
function gunppStored(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const half = Math.floor(lines.length / 2);
  const first = path.join(work, 'first-half.ndjson');
  const second = path.join(work, 'second-half.ndjson');
  fs.writeFileSync(first, lines.slice(0, half).join('\n') + '\n');
  fs.writeFileSync(second, lines.slice(half).join('\n') + '\n');
  const db = path.join(work, 'stored.db');
  const apply = (part) => run(args.gunpp, ['apply', '--no-sea', '--now', String(NOW), '--db', db, part]);
  const one = apply(first);
  const two = apply(second);  // its deferred fields include the first's
  return { errors: one.errors.concat(two.errors), deferred: two.deferred,
           graph: run(args.gunpp, ['export', '--db', db]) };
}

// The graph split by scenario: id -> {soul: canonical node text}.
function byScenario(graph) {
  const out = new Map();
  for (const soul of Object.keys(graph).sort()) {
    const id = Number(soul.slice(1, soul.indexOf(':')));
    if (!out.has(id)) out.set(id, {});
    out.get(id)[soul] = JSON.stringify(graph[soul]);
  }
  return out;
}

function shuffled(list, rand) {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function main() {
  const rand = mulberry32(args.seed);
  const scenarios = [];
  for (let id = 0; id < args.count; id++) {
    const s = generate(id, rand);
    if (args.only === null || args.only === id) scenarios.push(s);
  }

  // Flatten, remembering which scenario and message each line is.
  const all = [];
  for (const s of scenarios) s.messages.forEach((m, i) => all.push({ s, i, m }));
  const isInvalid = ({ s, i }) => s.invalid.some((x) => x.index === i);
  const valid = all.filter((x) => !isInvalid(x));
  const order = mulberry32(args.seed ^ 0x5bd1e995);
  const reordered = shuffled(all, order);

  const gunValid = gun(writeNdjson('valid.ndjson', valid.map((x) => x.m)));
  const gunAll = gun(writeNdjson('all.ndjson', all.map((x) => x.m)));
  const ours = (args.storage ? gunppStored : gunpp)(path.join(work, 'all.ndjson'));
  const oursShuffled = gunpp(writeNdjson('shuffled.ndjson', reordered.map((x) => x.m)));

  const failures = [];
  const fail = (s, what) => failures.push({ s, what });

  all.forEach((x, line) => {
    const ourError = ours.errors[line];
    const gunError = gunAll.errors[line];
    const bad = x.s.invalid.find((v) => v.index === x.i);
    if (bad && ourError === null) {
      fail(x.s, `message ${x.i} (${bad.category}) was accepted by gunpp`);
    }
    if (!bad && ourError !== null) {
      fail(x.s, `message ${x.i} was refused by gunpp: ${ourError}`);
    }
    // GUN.js: an error, or one of its documented silent behaviours.
    const silent = ['empty soul', 'string state', 'infinite value'];
    if (bad && gunError === null && !silent.includes(bad.category) && !lastWalked(x.m, bad)) {
      fail(x.s, `GUN.js neither refused nor dropped message ${x.i} (${bad.category})`);
    }
  });

  let invalidCount = 0;
  const expectedGraphs = byScenario(gunValid.graph);
  const ourGraphs = byScenario(ours.graph);
  const shuffledGraphs = byScenario(oursShuffled.graph);
  for (const s of scenarios) {
    invalidCount += s.invalid.length;
    const expected = expectedGraphs.get(s.id) || {};
    const got = ourGraphs.get(s.id) || {};
    const gotShuffled = shuffledGraphs.get(s.id) || {};
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      fail(s, `graphs differ\n  GUN.js: ${JSON.stringify(expected)}\n  gunpp:  ${JSON.stringify(got)}`);
    }
    if (JSON.stringify(gotShuffled) !== JSON.stringify(got)) {
      fail(s, `gunpp's graph depends on delivery order\n  in order: ${JSON.stringify(got)}\n  shuffled: ${JSON.stringify(gotShuffled)}`);
    }
  }

  fs.rmSync(work, { recursive: true, force: true });
  const failed = new Set(failures.map((f) => f.s.id));
  for (const f of failures.slice(0, 20)) {
    console.log(`FAIL seed ${args.seed} scenario ${f.s.id}: ${f.what}`);
    console.log(`  messages: ${f.s.messages.map(toWire).join('\n            ')}`);
    console.log(`  re-run:   node ${path.relative(process.cwd(), __filename)} --gunpp ${args.gunpp} --seed ${args.seed} --count ${args.count} --only ${f.s.id}`);
  }
  console.log(`conformance: seed ${args.seed}, ${scenarios.length} scenarios, ` +
    `${all.length} messages (${invalidCount} invalid), ${ours.deferred.length} deferred fields`);
  console.log(`conformance: ${timings.join('; ')}`);
  console.log(`${scenarios.length - failed.size} passed, ${failed.size} failed`);
  process.exitCode = failed.size ? 1 : 0;
}

// True when the corrupted field is the last one GUN.js walks in the message
// (the last field, in JS property order, of the last node), whose error
// GUN.js loses (docs/compat.md C2).
function lastWalked(message, bad) {
  if (!['bad value', 'bad link', 'no field state'].includes(bad.category)) return false;
  const souls = Object.keys(message.put);
  const node = message.put[souls[souls.length - 1]];
  if (!node || typeof node !== 'object') return false;
  const keys = Object.keys(node).filter((k) => k !== '_');
  const last = keys[keys.length - 1];
  const value = node[last];
  const state = node._ && node._['>'] ? node._['>'][last] : undefined;
  const valid = value === null || ['string', 'boolean', 'number'].includes(typeof value) ||
    (value && typeof value === 'object' && !Array.isArray(value) &&
     Object.keys(value).length === 1 && typeof value['#'] === 'string' && value['#'] !== '');
  return !valid || state === undefined;
}

main();
