// rad_interop.js - moving a GUN.js relay's RAD folder to gunpp and back,
// against the real GUN.js RAD (the pinned npm `gun`, on the file system):
//  - folders GUN.js's RAD writes (a small chunk, so that files split) from
//    generated graphs of every value type, and the objects RAD hands an
//    S3-like store, downloaded into a folder: `gunpp import --radata` must
//    hold exactly their fields, values and states;
//  - what `gunpp export --radata` writes, GUN.js's RAD must serve exactly,
//    without repairing anything;
//  - damaged copies (a file cut in half, garbage, an empty file, files the
//    directory lists but the folder lacks, no RAD folder at all) are
//    refused with one line naming the file, and nothing is written;
//  - a folder with only "!" (a small relay's, or one whose "%1C" was lost)
//    is read; importing twice changes nothing.
//
//   node tests/interop/rad_interop.js --gunpp build/gunpp [--only NAME]
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { GUNPP, bound, modules, run } = require('./harness');

bound(300);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-rad-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const NODE_MODULES = modules;

function sh(command, args, env = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env },
                                       maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const gunpp = (...args) => sh(GUNPP, args);

// A deterministic generator of graphs holding every kind of GUN value.
function rng(seed) {
  let x = seed >>> 0;
  return () => { x = (x * 1664525 + 1013904223) >>> 0; return x / 2 ** 32; };
}
const STRINGS = ['', 'plain', 'Zürich', 'emoji 😀 and 𝄞', '\ufffd\ue000', 'quote " and \\',
                 'line\nbreak\ttab', 'ctl \u0001 \u001f \u001b', 'x'.repeat(300)];
const NUMBERS = [0, -42, 123.456, 1e21, 1e-7, 2 ** 53, 1e20, 5e-324,
                 1.7976931348623157e308, -0.5];
const KEYS = ['name', 'a/b', 'x.y', 'with space', 'é', '😀', 'star*', '%pct', 'k'];
function graphOf(seed, souls, perSoul) {
  const r = rng(seed);
  const graph = {};
  let state = 1700000000000;
  for (let s = 0; s < souls; s++) {
    const soul = s % 7 === 0 ? `big${s}` : `users/${s}/é${s % 3 ? '' : '/😀'}`;
    const node = graph[soul] = {};
    for (let f = 0; f < perSoul; f++) {
      const key = KEYS[Math.floor(r() * KEYS.length)] + f;
      const kind = Math.floor(r() * 5);
      const value = kind === 0 ? STRINGS[Math.floor(r() * STRINGS.length)]
        : kind === 1 ? NUMBERS[Math.floor(r() * NUMBERS.length)]
          : kind === 2 ? r() < 0.5
            : kind === 3 ? null : { '#': `users/${Math.floor(r() * souls)}` };
      state += 1 + Math.floor(r() * 3) / 4;
      node[key] = [value, state];
    }
  }
  return graph;
}

// GUN.js's RAD writes `graph` into a fresh folder (or, with `s3`, into a
// bucket-like store whose objects are then downloaded into the folder).
//
// GUN.js's RAD (lib/rfs.js) names a file's temporary copy after the file and
// three random base-36 characters: two writes of one file that draw the
// same three race, and the second rename fails with ENOENT. That is GUN.js's
// failure, not what these tests are about, so such a write is done again,
// once, into a fresh folder.
function gunWrites(graph, chunk, name, s3 = false) {
  const file = path.join(work, name + '.json');
  fs.writeFileSync(file, JSON.stringify(graph));
  for (let attempt = 0; ; ++attempt) {
    const dir = path.join(work, attempt === 0 ? name : `${name}-again`);
    const r = sh('node', [path.join(__dirname, 'rad', 'gun_rad_write.js'), NODE_MODULES, dir,
                          String(chunk), file], s3 ? { RAD_S3_DUMP: '1' } : {});
    if (r.code === 0) return dir;
    const renameRace = /ENOENT[^"]*rename/.test(r.out);
    if (!renameRace || attempt > 0) {
      throw new Error('GUN.js RAD write failed: ' + r.out + r.err.slice(-500));
    }
  }
}

// What gunpp's database holds, as {soul: {key: [value, state]}}.
function stored(db) {
  const r = gunpp('export', '--db', db);
  if (r.code !== 0) throw new Error('export failed: ' + r.err);
  const graph = {};
  for (const [soul, node] of Object.entries(JSON.parse(r.out))) {
    graph[soul] = {};
    for (const key of Object.keys(node)) {
      if (key !== '_') graph[soul][key] = [node[key], node._['>'][key]];
    }
  }
  return graph;
}

// Every field of `want` in `got` with the same value and state, and nothing
// more; says the first difference.
function sameGraph(got, want, what) {
  const souls = new Set([...Object.keys(got), ...Object.keys(want)]);
  let fields = 0;
  for (const soul of souls) {
    const g = got[soul] || {};
    const w = want[soul] || {};
    for (const key of new Set([...Object.keys(g), ...Object.keys(w)])) {
      const a = JSON.stringify(g[key]);
      const b = JSON.stringify(w[key]);
      if (a !== b) throw new Error(`${what}: ${soul}.${key} is ${a}, expected ${b}`);
      ++fields;
    }
  }
  return fields;
}

function importRad(dir, db, extra = []) {
  return gunpp('import', '--radata', dir, '--db', db, '--no-sea', ...extra);
}

const graph = graphOf(7, 60, 40);  // 2,400 fields
let gunDir;
const scenarios = [];

scenarios.push({ name: 'import a folder GUN.js RAD wrote', fn: async () => {
  gunDir = gunWrites(graph, 3000, 'gun');
  const files = fs.readdirSync(gunDir).length;
  if (files < 10) throw new Error(`RAD wrote only ${files} files; the test wants splits`);
  const db = path.join(work, 'imported.db');
  const r = importRad(gunDir, db);
  if (r.code !== 0) throw new Error('import failed: ' + r.err);
  if (!/2400 fields \(2400 applied/.test(r.err)) throw new Error('summary: ' + r.err);
  sameGraph(stored(db), graph, 'imported');
}});

scenarios.push({ name: 'import an S3 dump of what GUN.js RAD wrote', fn: async () => {
  const dir = gunWrites(graph, 3000, 's3', true);
  const db = path.join(work, 's3.db');
  const r = importRad(dir, db);
  if (r.code !== 0) throw new Error('import failed: ' + r.err);
  sameGraph(stored(db), graph, 'imported from S3 objects');
}});

scenarios.push({ name: 'GUN.js serves what export --radata writes', fn: async () => {
  const db = path.join(work, 'imported.db');
  const out = path.join(work, 'exported');
  const r = gunpp('export', '--db', db, '--radata', out);
  if (r.code !== 0) throw new Error('export failed: ' + r.err);
  const read = sh('node', [path.join(__dirname, 'rad', 'gun_rad_read.js'), NODE_MODULES, out,
                           ...Object.keys(graph)], { RAD_READONLY: '1' });
  const served = JSON.parse(read.out);
  if (!served.ok) throw new Error('GUN.js read failed: ' + JSON.stringify(served.errors));
  if (served.writes.length) throw new Error('GUN.js repaired files: ' + served.writes);
  sameGraph(served.graph, graph, 'served by GUN.js');
  // And gunpp reads its own folder back.
  const again = path.join(work, 'again.db');
  if (importRad(out, again).code !== 0) throw new Error('re-import failed');
  sameGraph(stored(again), graph, 're-imported');
}});

scenarios.push({ name: 'damaged copies are refused, naming the file', fn: async () => {
  const names = fs.readdirSync(gunDir).filter((n) => n !== '%1C' && n !== '!');
  const victim = names[0];
  const damage = {
    'cut in half': (dir) => {
      const p = path.join(dir, victim);
      const text = fs.readFileSync(p);
      fs.writeFileSync(p, text.subarray(0, text.length >> 1));
    },
    'garbage': (dir) => fs.writeFileSync(path.join(dir, victim), 'not a radix tree at all'),
    'empty': (dir) => fs.writeFileSync(path.join(dir, victim), ''),
    'only ! left of a folder whose directory lists more': (dir) => {
      for (const n of names) fs.rmSync(path.join(dir, n));
    },
  };
  for (const [how, hurt] of Object.entries(damage)) {
    const dir = path.join(work, 'hurt-' + how.replace(/\W+/g, '-'));
    fs.cpSync(gunDir, dir, { recursive: true });
    hurt(dir);
    const db = path.join(work, 'hurt.db');
    fs.rmSync(db, { force: true });
    const r = importRad(dir, db);
    const lines = r.err.trim().split('\n');
    if (r.code !== 1 || lines.length !== 1) {
      throw new Error(`${how}: exit ${r.code}, said ${JSON.stringify(r.err)}`);
    }
    const named = how.startsWith('only') ? '%1C' : victim;
    if (!lines[0].includes(named)) throw new Error(`${how}: does not name ${named}: ${lines[0]}`);
    if (fs.existsSync(db)) throw new Error(`${how}: the database was written`);
  }
  const empty = path.join(work, 'empty-folder');
  fs.mkdirSync(empty);
  const r = importRad(empty, path.join(work, 'none.db'));
  if (r.code !== 1 || !/not a RAD folder/.test(r.err)) throw new Error('empty folder: ' + r.err);
  // --skip-bad takes the rest, and says what it skipped.
  const dir = path.join(work, 'hurt-cut-in-half');
  const skip = importRad(dir, path.join(work, 'skip.db'), ['--skip-bad']);
  if (skip.code !== 1 || !/skipped .*cut short/.test(skip.err)) {
    throw new Error('--skip-bad: ' + skip.err);
  }
}});

scenarios.push({ name: 'a folder with only ! is read; importing twice changes nothing',
                 fn: async () => {
  const small = graphOf(11, 5, 6);
  const dir = gunWrites(small, 1 << 20, 'small');
  fs.rmSync(path.join(dir, '%1C'));
  if (fs.readdirSync(dir).join() !== '!') throw new Error('expected only !');
  const db = path.join(work, 'small.db');
  for (let i = 0; i < 2; i++) {
    const r = importRad(dir, db);
    if (r.code !== 0) throw new Error('import failed: ' + r.err);
    if (i === 1 && !/\(0 applied, 30 ignored/.test(r.err)) throw new Error('twice: ' + r.err);
  }
  sameGraph(stored(db), small, 'only !');
}});

run(scenarios, async () => {});
