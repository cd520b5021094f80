// gun_verify.js - GUN.js's SEA checking the signed fields of one put
// message as its 'put' hook does (SEA.opt.pack, then SEA.verify against the
// soul's pub), in node with the pinned npm `gun`.
//
//   node bench/sea/gun_verify.js MESSAGE_FILE [ROUNDS]
//
// Prints one JSON line: {"fields":N,"sequential_per_s":...,"concurrent_per_s":...}
// (best of ROUNDS each; sequential awaits every check, concurrent starts
// them all and awaits them together, as a relay under load would).
'use strict';

const fs = require('fs');
const path = require('path');

const modules = path.join(__dirname, '../../tests/conformance/node_modules');
const log = console.log;
console.log = () => {};
const Gun = require(path.join(modules, 'gun'));
const SEA = Gun.SEA;

const [file, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 3);
const message = JSON.parse(fs.readFileSync(file, 'utf8'));
const soul = Object.keys(message.put)[0];
const node = message.put[soul];
const pub = SEA.opt.pub(soul);
const puts = Object.keys(node).filter((k) => k !== '_')
  .map((k) => ({ '#': soul, '.': k, ':': node[k], '>': node._['>'][k] }));

function check(put) {
  return new Promise((resolve, reject) => SEA.opt.pack(put, (packed) =>
    SEA.verify(packed, pub, (data) => (data === undefined ? reject(new Error('refused ' + put['.'])) : resolve()))));
}

(async () => {
  await check(puts[0]);  // key import and JIT warm-up
  let sequential = 0;
  let concurrent = 0;
  for (let r = 0; r < rounds; ++r) {
    let t = process.hrtime.bigint();
    for (const p of puts) await check(p);
    sequential = Math.max(sequential, puts.length / (Number(process.hrtime.bigint() - t) / 1e9));
    t = process.hrtime.bigint();
    await Promise.all(puts.map(check));
    concurrent = Math.max(concurrent, puts.length / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  log(JSON.stringify({ fields: puts.length, sequential_per_s: Math.round(sequential),
    concurrent_per_s: Math.round(concurrent) }));
  process.exit(0);
})();
