// relay_interop.js - GUN.js clients (the pinned npm `gun`, in node) and a
// gunpp agent syncing through `gunpp relay`, over real sockets on 127.0.0.1.
//
//   node tests/interop/relay_interop.js --gunpp build/gunpp [--only NAME]
//
// Each scenario prints PASS or FAIL; the last line is "N passed, M failed".
// Every process started here is killed on exit, and the whole run is
// bounded in time.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  Gun, GUNPP, WebSocket, bound, gunClient, modules, rawPeer, run, sleep,
  startAgent, startBrowser, startGunRelay, startListener, startRelay, until,
} = require('./harness');

bound(240);

// Everything a client sees of `soul`, kept current by .on().
function watch(gun, soul) {
  const view = {};
  gun.get(soul).on((data) => {
    for (const k of Object.keys(data || {})) if (k !== '_') view[k] = data[k];
  });
  return view;
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });
let relay;
let A;
let B;
const SOULS = 10;
const KEYS = 100;
const soulName = (i) => 'sync-' + i;

scenario('two GUN.js clients sync 1,000 fields over 10 souls', async () => {
  const views = [];
  for (let i = 0; i < SOULS; ++i) views.push(watch(B, soulName(i)));
  await sleep(300);
  for (let i = 0; i < SOULS; ++i) {
    const data = {};
    for (let k = 0; k < KEYS; ++k) data['f' + k] = i * 1000 + k;
    A.get(soulName(i)).put(data);
  }
  await until(() => views.every((v, i) => Object.keys(v).length === KEYS &&
                                          v.f99 === i * 1000 + 99),
              20000, 'B to see every field');
});

scenario('a put through the relay is acked', async () => {
  const ack = await new Promise((resolve) => {
    A.get('acked').put({ x: 1 }, resolve);
    setTimeout(() => resolve({ err: 'no ack within 5 s' }), 5000);
  });
  if (ack.err) throw new Error(String(ack.err));
});

scenario('live updates reach a subscriber', async () => {
  const view = watch(B, 'live');
  await sleep(200);
  A.get('live').put({ n: 1 });
  await until(() => view.n === 1, 5000, 'the first value');
  A.get('live').put({ n: 2 });
  await until(() => view.n === 2, 5000, 'the update');
});

scenario('equal states converge to GUN\'s winner on both clients', async () => {
  const viewA = watch(A, 'tie');
  const viewB = watch(B, 'tie');
  await sleep(200);
  const one = await rawPeer(relay.url);
  const two = await rawPeer(relay.url);
  const state = Date.now() - 1000;
  const put = (id, value) => JSON.stringify({ '#': id, put: { tie: {
    _: { '#': 'tie', '>': { v: state } }, v: value } } });
  one.ws.send(put('tie-1', 'apple'));
  two.ws.send(put('tie-2', 'banana'));
  await until(() => viewA.v === 'banana' && viewB.v === 'banana', 5000,
              'both to hold "banana" (the larger JSON text)');
  one.ws.close();
  two.ws.close();
});

scenario('a client that joins later reads everything from the relay', async () => {
  const C = gunClient(relay.url);
  const views = [];
  for (let i = 0; i < SOULS; ++i) views.push(watch(C, soulName(i)));
  await until(() => views.every((v) => Object.keys(v).length === KEYS), 10000,
              'the late client to read every field');
});

scenario('SEA: a GUN.js user writes through the relay, another client verifies it, a forgery is refused', async () => {
  const C = gunClient(relay.url);
  const user = C.user();
  const alias = 'sea-' + Date.now();
  const created = await new Promise((r) => user.create(alias, 'correct horse', r));
  if (created.err) throw new Error('user.create: ' + created.err);
  const authed = await new Promise((r) => user.auth(alias, 'correct horse', r));
  if (authed.err) throw new Error('user.auth: ' + authed.err);
  const soul = '~' + user.is.pub;
  const acked = await new Promise((r) => user.get('name').put('Alice', r));
  if (acked.err) throw new Error('the signed put was refused: ' + acked.err);
  // Another client reads it through the relay and its own SEA check.
  const D = gunClient(relay.url);
  const seen = [];
  D.get(soul).get('name').on((v) => seen.push(v));
  await until(() => seen.includes('Alice'), 10000, 'the other client to read the signed name');
  // A raw subscriber, then a forged write (a signature that is not the
  // owner's) straight to the relay.
  const watcher = await rawPeer(relay.url);
  watcher.ws.send(JSON.stringify({ '#': 'sea-sub', get: { '#': soul } }));
  const forger = await rawPeer(relay.url);
  const forged = JSON.stringify({ ':': 'Mallory', '~': 'A'.repeat(86) + '==' });
  forger.ws.send(JSON.stringify({ '#': 'sea-forge', put: { [soul]: {
    _: { '#': soul, '>': { name: Date.now() } }, name: forged } } }));
  await until(() => forger.heard.some((m) => m['@'] === 'sea-forge'), 5000,
              'the relay to answer the forgery');
  const answer = forger.heard.find((m) => m['@'] === 'sea-forge');
  if (!answer.err || !/SEA refused/.test(answer.err)) {
    throw new Error('the relay did not refuse the forgery: ' + JSON.stringify(answer));
  }
  await sleep(500);
  if (JSON.stringify(watcher.heard).includes('Mallory')) throw new Error('the relay relayed the forgery');
  if (seen.includes('Mallory')) throw new Error('the other client saw the forgery');
  // A client that joins afterwards reads the signed name from the relay.
  const later = [];
  gunClient(relay.url).get(soul).get('name').on((v) => later.push(v));
  await until(() => later.includes('Alice'), 10000, 'a later client to read the signed name');
});

scenario('SEA certificate: SEA.certify\'s documented inbox, written by a GUN.js client, is acked by the relay and read by another client', async () => {
  const SEA = Gun.SEA;
  const [alice, bob] = await Promise.all([SEA.pair(), SEA.pair()]);
  const cert = await SEA.certify(bob.pub, { '*': 'inbox', '+': '*' }, alice, null,
                                 { expiry: Date.now() + 3600 * 1000 });
  const C = gunClient(relay.url);
  const authed = await new Promise((r) => C.user().auth(bob, r));
  if (authed.err) throw new Error('user.auth: ' + authed.err);
  // The client keeps nothing itself: only the relay can ack.
  const ack = await new Promise((resolve) => {
    C.get('~' + alice.pub).get('inbox').get(bob.pub).put('hi', resolve, { opt: { cert } });
    setTimeout(() => resolve({ err: 'no ack within 10 s' }), 10000);
  });
  if (ack.err || !ack.ok) throw new Error('the certified put was not acked: ' + JSON.stringify(ack));
  const D = gunClient(relay.url);
  const seen = [];
  D.get('~' + alice.pub).get('inbox').get(bob.pub).on((v) => seen.push(v));
  await until(() => seen.includes('hi'), 10000, 'another client to read the inbox message');
});

scenario('bad frames are answered or ignored, and sync goes on', async () => {
  const raw = await rawPeer(relay.url);
  raw.ws.send('{not json');
  raw.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  const many = [];
  for (let i = 0; i < 10000; ++i) many.push({ '#': 'many-' + i, get: { '#': 'nothing-' + i } });
  raw.ws.send(JSON.stringify(many));
  await until(() => raw.heard.some((m) => m.dam === '!'), 5000, 'a dam ! answer');
  const view = watch(B, 'after-bad');
  A.get('after-bad').put({ ok: 'yes' });
  await until(() => view.ok === 'yes', 5000, 'sync after bad frames');
  raw.ws.close();
});

scenario('a gunpp agent and GUN.js clients sync through the relay', async () => {
  const agent = await startAgent(relay.url);
  const put = await agent.send({ op: 'put', soul: 'from-agent', data: { a: 'hi', n: 5 } });
  if (!put.ok || !put.acked) throw new Error('agent put: ' + JSON.stringify(put));
  const view = watch(B, 'from-agent');
  await until(() => view.a === 'hi' && view.n === 5, 5000, 'B to read the agent\'s write');
  const got = await agent.send({ op: 'get', soul: soulName(3), expect: KEYS, timeout: 5000 });
  if (got.why !== 'expect' || got.node.f7 !== 3007) {
    throw new Error('agent get: ' + JSON.stringify(got).slice(0, 200));
  }
  await agent.send({ op: 'on', soul: 'to-agent' });
  A.get('to-agent').put({ msg: 'hello agent' });
  await until(() => agent.events.some((e) => e.key === 'msg' && e.value === 'hello agent'),
              5000, 'the agent\'s update event');
  await agent.send({ op: 'exit' });
});

scenario('a gunpp agent and a GUN.js client sync through a GUN.js relay', async () => {
  const gunRelay = await startGunRelay();
  const D = gunClient(gunRelay.url);
  const agent = await startAgent(gunRelay.url);
  const view = watch(D, 'via-gunjs');
  await sleep(300);
  // A GUN.js relay without storage never acks; D has no storage either.
  const put = await agent.send({ op: 'put', soul: 'via-gunjs', data: { from: 'agent' },
                                 timeout: 500 });
  if (!put.ok) throw new Error('agent put: ' + JSON.stringify(put));
  await until(() => view.from === 'agent', 5000, 'D to read the agent\'s write');
  D.get('via-gunjs-2').put({ from: 'gun.js' });
  const got = await agent.send({ op: 'get', soul: 'via-gunjs-2', expect: 1, timeout: 5000 });
  if (got.why !== 'expect' || got.node.from !== 'gun.js') {
    throw new Error('agent get: ' + JSON.stringify(got));
  }
  await agent.send({ op: 'exit' });
  gunRelay.child.kill('SIGKILL');
});

scenario('a chain: GUN.js client -> gunpp relay -> GUN.js relay -> gunpp agent', async () => {
  const gunRelay = await startGunRelay();
  const front = await startRelay(0, [gunRelay.url]);
  const E = gunClient(front.url);
  const agent = await startAgent(gunRelay.url);
  await agent.send({ op: 'on', soul: 'chain' });
  const view = watch(E, 'chain-back');
  await sleep(2000);  // the gunpp relay dials the GUN.js relay
  E.get('chain').put({ hop: 'forward' });
  await until(() => agent.events.some((e) => e.key === 'hop' && e.value === 'forward'),
              8000, 'the agent to see the GUN.js client\'s write');
  await agent.send({ op: 'put', soul: 'chain-back', data: { hop: 'back' }, timeout: 500 });
  await until(() => view.hop === 'back', 8000, 'the GUN.js client to see the agent\'s write');
  await agent.send({ op: 'exit' });
  front.child.kill('SIGKILL');
  gunRelay.child.kill('SIGKILL');
});

// The page a browser loads from `gunpp relay --web`: it writes its own node,
// and echoes what a node client wrote, both through the relay.
const PAGE = `<!doctype html><meta charset="utf-8"><title>gunpp interop</title>
<script src="gun.js"></script>
<script>
  var gun = Gun({ peers: [location.origin.replace('http', 'ws') + '/gun'],
                  localStorage: false });
  gun.get('from-browser').put({ hello: 'from the browser' });
  gun.get('to-browser').on(function (data) {
    if (data && data.msg) gun.get('browser-echo').put({ echo: data.msg });
  });
</script>`;

scenario('a browser (headless Chromium) and a node client sync through the relay', async () => {
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-web-'));
  try {
    fs.writeFileSync(path.join(web, 'index.html'), PAGE);
    fs.copyFileSync(path.join(modules, 'gun/gun.js'), path.join(web, 'gun.js'));
    const site = await startListener(GUNPP, ['relay', '--host', '127.0.0.1', '--port', '0',
                                             '--web', web], 'stderr');
    const F = gunClient(site.url);
    const fromBrowser = watch(F, 'from-browser');
    const echo = watch(F, 'browser-echo');
    F.get('to-browser').put({ msg: 'from node' });
    const page = site.url.replace('ws://', 'http://').replace(/\/gun$/, '/');
    const browser = startBrowser(page);
    await until(() => fromBrowser.hello === 'from the browser', 30000,
                'the node client to see the browser\'s write');
    await until(() => echo.echo === 'from node', 15000,
                'the browser to see the node client\'s write (and echo it)');
    await browser.stop();
    site.child.kill('SIGKILL');
  } finally {
    fs.rmSync(web, { recursive: true, force: true });
  }
});

scenario('wss: gunpp agents and a GUN.js client through TLS; --web over https', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-tls-'));
  try {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const made = require('child_process').spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert]);
    if (made.status !== 0) throw new Error('openssl could not make a certificate');
    const web = path.join(dir, 'web');
    fs.mkdirSync(web);
    fs.writeFileSync(path.join(web, 'index.html'), '<p>over https</p>');
    const secure = await startListener(GUNPP, ['relay', '--host', '127.0.0.1', '--port', '0',
                                               '--cert', cert, '--key', key, '--web', web],
                                       'stderr');
    if (!secure.url.startsWith('wss://')) throw new Error('relay URL ' + secure.url);
    const ca = fs.readFileSync(cert);

    // The relay's --web folder over https, verified against the test's CA.
    const page = await new Promise((resolve, reject) => {
      require('https').get(secure.url.replace('wss://', 'https://').replace(/\/gun$/, '/'),
                           { ca }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      }).on('error', reject);
    });
    if (page.status !== 200 || page.body !== '<p>over https</p>') {
      throw new Error('https page: ' + JSON.stringify(page));
    }

    // A GUN.js client whose WebSocket (ws) trusts that CA.
    class TrustingWebSocket extends WebSocket {
      constructor(url) { super(url, [], { ca }); }
    }
    const G = Gun({ peers: [secure.url], radisk: false, rfs: false, file: false,
                    localStorage: false, multicast: false, stats: false, axe: false,
                    super: false, WebSocket: TrustingWebSocket });
    const seen = watch(G, 'tls');

    const agent = await startAgent(secure.url, ['--ca', cert]);
    const put = await agent.send({ op: 'put', soul: 'tls', data: { over: 'tls' }, timeout: 5000 });
    if (!put.acked) throw new Error('put over wss: ' + JSON.stringify(put));
    await until(() => seen.over === 'tls', 10000, 'the GUN.js client to see the agent\'s write');
    G.get('tls').put({ from: 'gun.js' });
    const other = await startAgent(secure.url, ['--ca', cert]);
    const got = await other.send({ op: 'get', soul: 'tls', expect: 2, timeout: 5000 });
    if (got.why !== 'expect' || got.node.over !== 'tls' || got.node.from !== 'gun.js') {
      throw new Error('get over wss: ' + JSON.stringify(got));
    }
    await agent.send({ op: 'exit' });
    await other.send({ op: 'exit' });
    secure.child.kill('SIGKILL');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

scenario('after a relay restart clients reconnect and subscriptions resume', async () => {
  const view = watch(B, 'restart');
  await sleep(200);
  A.get('restart').put({ n: 1 });
  await until(() => view.n === 1, 5000, 'the value before the restart');
  const port = new URL(relay.url).port;
  relay.child.kill('SIGKILL');
  await sleep(300);
  relay = await startRelay(port);
  await sleep(3000);  // GUN.js clients retry after about 2 s
  A.get('restart').put({ n: 2 });
  await until(() => view.n === 2, 10000, 'the value after the restart');
});

scenario('with --db, an acked put survives a SIGKILL of the relay', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-interop-db-'));
  const db = path.join(dir, 'relay.db');
  let durable;
  try {
    durable = await startRelay(0, [], ['--db', db]);
    const C = gunClient(durable.url);
    const ack = await new Promise((resolve) => {
      C.get('durable').put({ a: 1, b: 'two' }, resolve);
      setTimeout(() => resolve({ err: 'no ack within 5 s' }), 5000);
    });
    if (ack.err) throw new Error(String(ack.err));
    durable.child.kill('SIGKILL');
    await new Promise((r) => durable.child.once('exit', r));
    // A new relay on another port: only the file can answer.
    durable = await startRelay(0, [], ['--db', db]);
    const D = gunClient(durable.url);
    const view = watch(D, 'durable');
    await until(() => view.a === 1 && view.b === 'two', 10000,
                'the restarted relay to serve the acked fields from its file');
  } finally {
    if (durable) durable.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

run(scenarios, async () => {
  relay = await startRelay(0);
  A = gunClient(relay.url);
  B = gunClient(relay.url);
});
