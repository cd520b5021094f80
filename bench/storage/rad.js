#!/usr/bin/env node
// GUN.js with RAD (its disk layer, the pinned npm `gun`, radisk on a
// directory): the writes gunpp_durable makes, timed from put to ack.
//
// Usage: node rad.js write DIR [--fields N] [--souls S] [--put-fields P]
//                              [--in-flight K]
//        node rad.js read DIR
//
// write: N fields over S souls, in puts of P fields of one soul each
// (gun.get(soul).put({...}, ack)), K puts in flight; prints one JSON line
//   {"fields", "seconds", "acked_fields_per_s", "ack_p50_ms", "ack_p99_ms",
//    "peak_rss_mib"}
// and exits once every put is acked. read: a fresh process on DIR, timing
// from the start of Gun() to the value of soul0.k0; prints
//   {"reopen_first_get_ms"}.
'use strict';

const fs = require('fs');
const path = require('path');

const argv = process.argv.slice(2);
const mode = argv[0];
const dir = argv[1];
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const N = opt('--fields', 100000);
const S = opt('--souls', 1000);
const P = opt('--put-fields', 100);
const K = opt('--in-flight', 64);
if (!['write', 'read'].includes(mode) || !dir) {
  console.error('usage: node rad.js write|read DIR [--fields N] [--souls S] [--put-fields P] [--in-flight K]');
  process.exit(2);
}

// GUN.js prints a banner on stdout; keep stdout for the result.
const realLog = console.log;
console.log = (...a) => console.error(...a);
const modules = path.join(__dirname, '../../tests/conformance/node_modules');
const Gun = require(path.join(modules, 'gun'));

function peakRssMib() {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return parseInt(line.slice(6), 10) / 1024;
}

function open() {
  return Gun({ file: dir, radisk: true, localStorage: false, multicast: false,
               axe: false, stats: false, peers: [] });
}

function write() {
  fs.rmSync(dir, { recursive: true, force: true });
  const gun = open();
  const puts = Math.ceil(N / P);
  const latencies = [];
  let next = 0;
  let acked = 0;
  let inFlight = 0;
  const start = process.hrtime.bigint();
  const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
  function send() {
    while (next < puts && inFlight < K) {
      const p = next++;
      const soul = 'soul' + (p % S);
      const firstKey = Math.floor(p / S) * P;
      const n = Math.min(P, N - p * P);
      const data = {};
      for (let j = 0; j < n; ++j) {
        data['k' + (firstKey + j)] = 'value-' + (100000000 + p * P + j);
      }
      const sent = process.hrtime.bigint();
      let done = false;
      ++inFlight;
      gun.get(soul).put(data, (ack) => {
        if (done) return;  // GUN may call back more than once
        done = true;
        if (ack.err) {
          console.error('put failed: ' + ack.err);
          process.exit(1);
        }
        latencies.push(ms(sent));
        acked += n;
        --inFlight;
        if (acked === N) return finish();
        send();
      });
    }
  }
  function finish() {
    const seconds = ms(start) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.floor(q * (latencies.length - 1))];
    realLog(JSON.stringify({ fields: acked, seconds, acked_fields_per_s: acked / seconds,
                             ack_p50_ms: at(0.5), ack_p99_ms: at(0.99),
                             peak_rss_mib: peakRssMib() }));
    // RAD writes files a moment after it acks; let them land, then stop.
    setTimeout(() => process.exit(0), 1000);
  }
  send();
}

function read() {
  const start = process.hrtime.bigint();
  const gun = open();
  gun.get('soul0').get('k0').once((value) => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (value === undefined) {
      console.error('soul0.k0 is missing after the restart');
      process.exit(1);
    }
    realLog(JSON.stringify({ reopen_first_get_ms: ms }));
    process.exit(0);
  });
}

if (mode === 'write') write(); else read();
