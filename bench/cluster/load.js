#!/usr/bin/env node
// The cluster benchmark's load (bench/cluster/run): raw WebSocket peers on
// relays, speaking GUN's wire. Prints one JSON line.
//
//   node load.js throughput --urls U1,U2,... [--connections C] [--window W]
//                [--seconds T]
//     C connections spread over the relays, each keeping W puts in flight
//     (a put of one new key each); counts each put's first answer.
//   node load.js latency --writer URL --subscribers U1,U2,... [--rate R]
//                [--seconds T]
//     one writer sends R puts/s; one subscriber on each of the listed
//     relays times each put from its send to its arrival (both in this
//     process, on the monotonic clock).
'use strict';

const path = require('path');
const WebSocket = require(path.join(__dirname, '../../tests/conformance/node_modules/ws'));

const argv = process.argv.slice(2);
const mode = argv[0];
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;  // ms
const run = Math.random().toString(36).slice(2, 8);

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function messages(data) {
  const text = data.toString();
  if (text === '[]') return [];
  const json = JSON.parse(text);
  return Array.isArray(json) ? json : [json];
}

function put(ws, id, soul, key, value) {
  const state = Date.now();
  ws.send(JSON.stringify({ '#': id, put: { [soul]: {
    _: { '#': soul, '>': { [key]: state } }, [key]: value } } }));
}

async function throughput() {
  const urls = opt('--urls').split(',');
  const connections = Number(opt('--connections', 8));
  const window = Number(opt('--window', 64));
  const seconds = Number(opt('--seconds', 5));
  let acked = 0;
  let errors = 0;
  let stop = false;
  const sockets = await Promise.all(
    Array.from({ length: connections }, (_, c) => open(urls[c % urls.length])));
  const start = now();
  sockets.forEach((ws, c) => {
    let n = 0;
    const soul = `tp-${run}-${c}`;
    // A put counts once, at its first answer (peered GUN.js relays both
    // answer some).
    const pending = new Set();
    const send = () => {
      const k = 'k' + (n++);
      const id = `${soul}-${n}`;
      pending.add(id);
      put(ws, id, soul, k, k);
    };
    ws.on('message', (data) => {
      for (const m of messages(data)) {
        if (!pending.delete(m['@'])) continue;
        if (m.err) ++errors; else if (m.ok) ++acked;
        if (!stop) send();
      }
    });
    for (let i = 0; i < window; ++i) send();
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  const elapsed = (now() - start) / 1000;
  const result = { acked, errors, seconds: elapsed, acked_per_s: acked / elapsed };
  for (const ws of sockets) ws.terminate();
  return result;
}

async function latency() {
  const rate = Number(opt('--rate', 1000));
  const seconds = Number(opt('--seconds', 5));
  const writer = await open(opt('--writer'));
  const subs = await Promise.all(opt('--subscribers').split(',').map(open));
  const soul = `lat-${run}`;
  const sent = rate * seconds;
  const latencies = [];
  for (const ws of subs) {
    ws.on('message', (data) => {
      const t = now();
      for (const m of messages(data)) {
        const node = m.put && m.put[soul];
        if (!node) continue;
        for (const k of Object.keys(node)) {
          if (k !== '_') latencies.push(t - Number(node[k]));
        }
      }
    });
  }
  writer.on('message', () => {});
  await new Promise((r) => setTimeout(r, 300));
  const start = now();
  let n = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(sent, Math.floor(((now() - start) / 1000) * rate));
      for (; n < due; ++n) put(writer, `${soul}-${n}`, soul, 'k' + n, String(now()));
      if (n >= sent) { clearInterval(tick); resolve(); }
    }, 2);
  });
  const want = sent * subs.length;
  const end = now() + 5000;
  while (latencies.length < want && now() < end) await new Promise((r) => setTimeout(r, 20));
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  for (const ws of [writer, ...subs]) ws.terminate();
  return { sent, subscribers: subs.length, delivered: latencies.length,
           p50_ms: pick(0.5), p99_ms: pick(0.99), max_ms: latencies[latencies.length - 1] };
}

(mode === 'throughput' ? throughput() : mode === 'latency' ? latency()
  : Promise.reject(new Error('usage: load.js throughput|latency ...')))
  .then((r) => { console.log(JSON.stringify(r)); process.exit(0); })
  .catch((e) => { console.error('load: ' + e.message); process.exit(1); });
