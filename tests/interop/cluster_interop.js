// cluster_interop.js - three `gunpp relay`s on one PostgreSQL server, with
// GUN.js clients (the pinned npm `gun`) spread over them: convergence, live
// updates across relays, GUN's winner for concurrent equal-state writes
// through different relays, no acked put lost to SIGKILL (50 rounds) or to
// a PostgreSQL restart, /health and /metrics, --max-connections, the
// drain on SIGTERM, and clear errors for bad URIs.
//
//   node tests/interop/cluster_interop.js --gunpp build/gunpp \
//        --pg-server tests/postgres/pg_server.sh [--rounds 50] [--only NAME]
//
// The PostgreSQL server is this script's own (pg_server.sh in a temporary
// folder, a Unix socket only), stopped when it ends. Each scenario prints
// PASS or FAIL; the last line is "N passed, M failed".
'use strict';

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const {
  GUNPP, WebSocket, arg, bound, gunClient, rawPeer, run, sleep, startRelay,
  until,
} = require('./harness');

bound(600);
const PG_SERVER = arg('--pg-server');
const ROUNDS = Number(arg('--rounds') || 50);
if (!PG_SERVER) {
  console.error('usage: cluster_interop.js --gunpp PATH --pg-server PATH');
  process.exit(2);
}

const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-cluster-pg-'));
fs.rmSync(pgDir, { recursive: true });
let uri;  // the cluster's database
const relays = [];
const clients = [];

const pg = (command) => execFileSync(PG_SERVER, [command, pgDir], { encoding: 'utf8' }).trim();
process.on('exit', () => { try { pg('stop'); } catch (e) {} });
// One value of SQL, through psql.
const sql = (query) => execFileSync('psql', ['-At', '-d', uri, '-c', query],
                                    { encoding: 'utf8' }).trim();

function watch(gun, soul) {
  const view = {};
  gun.get(soul).on((data) => {
    for (const k of Object.keys(data || {})) if (k !== '_') view[k] = data[k];
  });
  return view;
}

function get(url, target) {
  return new Promise((resolve) => {
    const u = new URL(url.replace(/^ws/, 'http'));
    http.get({ host: u.hostname, port: u.port, path: target }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', (e) => resolve({ status: 0, body: e.message }));
  });
}

// A raw client writing `soul`'s keys one message each; records acks and
// errors by key.
async function writer(url, soul) {
  const peer = await rawPeer(url);
  const acked = new Set();
  const failed = new Set();
  const ids = new Map();
  let n = 0;
  const seen = peer.heard;
  const read = () => {
    while (seen.length > 0) {
      const m = seen.shift();
      const key = ids.get(m['@']);
      if (key === undefined) continue;
      if (m.err) failed.add(key); else if (m.ok) acked.add(key);
    }
  };
  return {
    peer, acked, failed, read,
    put(key) {
      const id = soul + '-' + (++n);
      ids.set(id, key);
      const state = Date.now();
      peer.ws.send(JSON.stringify({ '#': id, put: { [soul]: {
        _: { '#': soul, '>': { [key]: state } }, [key]: key } } }));
    },
  };
}

// The keys of `soul` in the database.
function storedKeys(soul) {
  const out = sql(`SELECT convert_from(key, 'UTF8') FROM gunpp_fields WHERE soul = convert_to('${soul}', 'UTF8')`);
  return new Set(out ? out.split('\n') : []);
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario('GUN.js clients on three relays converge, with live updates across relays', async () => {
  const souls = ['c0', 'c1', 'c2'];
  const views = clients.map((c) => souls.map((s) => watch(c, s)));
  await sleep(300);
  clients.forEach((c, i) => {
    const data = {};
    for (let k = 0; k < 100; ++k) data['f' + k] = i * 1000 + k;
    c.get(souls[i]).put(data);
  });
  await until(() => views.every((vs) => vs.every((v, i) =>
    Object.keys(v).length === 100 && v.f99 === i * 1000 + 99)), 20000,
  'every client to see every relay\'s writes');
  const live = clients.map((c) => watch(c, 'live'));
  await sleep(200);
  clients[0].get('live').put({ n: 1 });
  await until(() => live.every((v) => v.n === 1), 5000, 'relay 1\'s write on relays 2 and 3');
  clients[2].get('live').put({ n: 2 });
  await until(() => live.every((v) => v.n === 2), 5000, 'relay 3\'s write on relays 1 and 2');
});

scenario('equal-state writes through different relays end on GUN\'s winner everywhere', async () => {
  const views = clients.map((c) => watch(c, 'tie'));
  await sleep(200);
  const peers = await Promise.all(relays.map((r) => rawPeer(r.url)));
  const state = Date.now() - 1000;
  ['banana', 'cherry', 'apple'].forEach((value, i) => {
    peers[i].ws.send(JSON.stringify({ '#': 'tie-' + i, put: { tie: {
      _: { '#': 'tie', '>': { v: state } }, v: value } } }));
  });
  await until(() => views.every((v) => v.v === 'cherry'), 10000,
              'every client to hold "cherry" (the greatest JSON text)');
  const stored = sql("SELECT convert_from(value, 'UTF8') FROM gunpp_fields WHERE soul = 'tie'::bytea AND key = 'v'::bytea");
  if (stored !== 'cherry') throw new Error('the database holds ' + stored);
  for (const p of peers) p.ws.close();
});

scenario('a change reaches the other relays once, and is never written back', async () => {
  const before = Number(sql('SELECT count(*) FROM gunpp_changes'));
  const view = watch(clients[2], 'once');
  await sleep(200);
  const data = {};
  for (let k = 0; k < 50; ++k) data['k' + k] = k;
  clients[0].get('once').put(data);
  await until(() => Object.keys(view).length === 50, 10000, 'relay 3 to see the 50 fields');
  await sleep(500);  // time for any write-back to show
  const logged = Number(sql('SELECT count(*) FROM gunpp_changes')) - before;
  if (logged !== 50) throw new Error(`the change log grew by ${logged}, not 50`);
});

scenario('a get on relay 2 right after an ack on relay 1 sees the acked value (100 rounds)', async () => {
  const w = await rawPeer(relays[0].url);
  const r = await rawPeer(relays[1].url);
  const reply = async (peer, id) => {
    await until(() => peer.heard.some((m) => m['@'] === id), 5000, 'the answer to ' + id);
    return peer.heard.find((m) => m['@'] === id);
  };
  const read = async (id) => {
    r.ws.send(JSON.stringify({ '#': id, get: { '#': 'fresh', '.': 'v' } }));
    const m = await reply(r, id);
    return m.put && m.put.fresh ? m.put.fresh.v : undefined;
  };
  // States a second in the past: a state ahead of the relay's clock, even
  // by microseconds, is parked until its time (HAM), and is not yet visible
  // anywhere when its put is acked. Each round's state still grows.
  const state = (i) => Date.now() - 1000 + i / 1000;
  w.ws.send(JSON.stringify({ '#': 'fresh-0', put: { fresh: {
    _: { '#': 'fresh', '>': { v: state(0) } }, v: 0 } } }));
  await reply(w, 'fresh-0');
  await read('read-0');  // relay 2 holds the node from now on
  for (let i = 1; i <= 100; ++i) {
    w.ws.send(JSON.stringify({ '#': 'fresh-' + i, put: { fresh: {
      _: { '#': 'fresh', '>': { v: state(i) } }, v: i } } }));
    const ack = await reply(w, 'fresh-' + i);
    if (!ack.ok) throw new Error('put ' + i + ' was not acked: ' + JSON.stringify(ack));
    const seen = await read('read-' + i);
    if (seen !== i) throw new Error(`round ${i}: relay 2 answered ${seen} after relay 1 acked ${i}`);
  }
  w.ws.close();
  r.ws.close();
});

scenario(`SIGKILL of a relay in the middle of a write stream loses no acked put (${ROUNDS} rounds)`, async () => {
  let acked = 0;
  for (let round = 0; round < ROUNDS; ++round) {
    const relay = await startRelay(0, [], ['--db', uri]);
    const soul = 'crash' + round;
    const w = await writer(relay.url, soul);
    let i = 0;
    const stream = setInterval(() => { for (let j = 0; j < 5; ++j) w.put('k' + (i++)); }, 2);
    await sleep(30 + (round * 37) % 90);
    relay.child.kill('SIGKILL');
    await new Promise((r) => relay.child.once('exit', r));
    clearInterval(stream);
    w.read();
    w.peer.ws.terminate();
    const stored = storedKeys(soul);
    for (const key of w.acked) {
      if (!stored.has(key)) throw new Error(`round ${round}: acked ${key} is not in the database`);
    }
    acked += w.acked.size;
  }
  if (acked === 0) throw new Error('no put was acked before a kill: the test tested nothing');
});

scenario('a PostgreSQL restart in a write stream: no false ack, /health says so, everything acked is there', async () => {
  const view = watch(clients[1], 'restart-live');
  const w = await writer(relays[0].url, 'restart');
  let i = 0;
  const stream = setInterval(() => w.put('k' + (i++)), 5);
  await sleep(300);
  pg('halt');
  let down = false;
  for (let t = 0; t < 100 && !down; ++t) {
    down = (await get(relays[0].url, '/health')).status === 503;
    if (!down) await sleep(50);
  }
  if (!down) throw new Error('/health did not answer 503 with the database down');
  await sleep(500);
  w.read();
  if (w.failed.size === 0) throw new Error('no put was refused while the database was down');
  pg('resume');
  for (const r of relays) {
    let up = false;
    for (let t = 0; t < 200 && !up; ++t) {
      up = (await get(r.url, '/health')).status === 200;
      if (!up) await sleep(50);
    }
    if (!up) throw new Error('a relay stayed unhealthy after the database came back');
  }
  const before = w.acked.size;
  await sleep(500);
  clearInterval(stream);
  await sleep(500);
  w.read();
  if (w.acked.size <= before) throw new Error('no put was acked after the database came back');
  const stored = storedKeys('restart');
  for (const key of w.acked) {
    if (!stored.has(key)) throw new Error(`acked ${key} is not in the database`);
  }
  w.peer.ws.close();
  // Subscriptions across relays go on.
  clients[0].get('restart-live').put({ n: 7 });
  await until(() => view.n === 7, 10000, 'a write on relay 1 to reach relay 2 after the restart');
});

scenario('/metrics in Prometheus\'s format; --max-connections answers 503 beyond it', async () => {
  const m = await get(relays[0].url, '/metrics');
  if (m.status !== 200) throw new Error('/metrics answered ' + m.status);
  for (const name of ['gunpp_connections', 'gunpp_puts_acked_total', 'gunpp_frames_in_total',
                      'gunpp_commit_seconds_total', 'gunpp_cluster_last_seq', 'gunpp_cluster_lag_seconds',
                      'gunpp_queue_bytes']) {
    if (!new RegExp('^' + name + ' \\d', 'm').test(m.body)) throw new Error('no ' + name + ' in /metrics');
  }
  if (!/^gunpp_puts_acked_total [1-9]/m.test(m.body)) throw new Error('no acked put counted');
  const small = await startRelay(0, [], ['--max-connections', '1']);
  const first = await rawPeer(small.url);
  const refused = await new Promise((resolve) => {
    const ws = new WebSocket(small.url);
    ws.on('open', () => resolve(false));
    ws.on('unexpected-response', (req, res) => resolve(res.statusCode === 503));
    ws.on('error', () => resolve(false));
  });
  first.ws.close();
  small.child.kill('SIGKILL');
  if (!refused) throw new Error('a second connection was not answered 503');
});

scenario('SIGTERM drains: the puts received are acked before the relay exits 0', async () => {
  const relay = await startRelay(0, [], ['--db', uri]);
  const w = await writer(relay.url, 'drain');
  for (let i = 0; i < 200; ++i) w.put('k' + i);
  // Received (not yet all acked): the relay has read the 200.
  const received = async () => {
    const m = /^gunpp_messages_in_total (\d+)/m.exec((await get(relay.url, '/metrics')).body);
    return m ? Number(m[1]) : 0;
  };
  for (let t = 0; t < 200 && (await received()) < 200; ++t) await sleep(10);
  const exited = new Promise((r) => relay.child.once('exit', (code) => r(code)));
  relay.child.kill('SIGTERM');
  const code = await exited;
  await sleep(100);
  w.read();
  if (code !== 0) throw new Error('the relay exited with ' + code);
  if (w.acked.size !== 200) throw new Error(`${w.acked.size} of 200 puts acked before the close`);
});

scenario('bad URIs and unreachable servers: one clear line and a non-zero exit', async () => {
  for (const bad of ['postgresql://[::1', 'postgresql://gunpp:secret@127.0.0.1:1/x?connect_timeout=2']) {
    const out = await new Promise((resolve) => {
      const child = spawn(GUNPP, ['relay', '--port', '0', '--db', bad], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => { err += d; });
      child.on('exit', (code) => resolve({ code, err }));
    });
    const lines = out.err.trim().split('\n');
    if (out.code === 0 || lines.length !== 1 || !lines[0].startsWith('gunpp: ')) {
      throw new Error(`${bad}: exit ${out.code}, said ${JSON.stringify(out.err)}`);
    }
    if (out.err.includes('secret')) throw new Error('the password was printed');
  }
});

run(scenarios, async () => {
  const base = pg('start');
  execFileSync('psql', ['-At', '-d', base, '-c', 'CREATE DATABASE cluster']);
  uri = base.replace('/postgres?', '/cluster?');
  for (let i = 0; i < 3; ++i) relays.push(await startRelay(0, [], ['--db', uri]));
  for (const r of relays) clients.push(gunClient(r.url));
});
