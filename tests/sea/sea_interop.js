// sea_interop.js - SEA both ways between the real GUN.js (the pinned npm
// `gun` with its sea.js, in node) and gunpp (`gunpp sea` and `gunpp apply`).
//
//   node tests/sea/sea_interop.js --gunpp build/gunpp
//
// GUN.js makes a user, signed fields and a certified write by a second user;
// gunpp must accept every one, and refuse each tampered copy. gunpp makes a
// user, signed fields and a certificate; GUN.js must store them and log in
// as that user, and must drop tampered copies. Each scenario prints PASS or
// FAIL; the last line is "N passed, M failed". Nothing uses the network.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const modules = path.join(__dirname, '../conformance/node_modules');
const argv = process.argv.slice(2);
const GUNPP = argv[argv.indexOf('--gunpp') + 1];
if (argv.indexOf('--gunpp') < 0 || !GUNPP) {
  console.error('usage: sea_interop.js --gunpp PATH');
  process.exit(2);
}

// GUN.js prints a banner and notices on stdout; keep them on stderr.
const realLog = console.log;
console.log = (...a) => console.error(...a);
const Gun = require(path.join(modules, 'gun'));
const SEA = Gun.SEA;
const { inject } = require(path.join(__dirname, '../conformance/gun_memory.js'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-sea-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const deadline = setTimeout(() => {
  realLog('FAIL the whole run took longer than 120 s');
  process.exit(1);
}, 120000);
deadline.unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let instances = 0;

// A GUN.js peer with SEA and no network; radisk in a scratch folder answers
// its reads (user.create looks the alias up first).
function gunPeer() {
  const file = path.join(work, `radata${instances++}`);
  return Gun({ file, peers: [], multicast: false, axe: false, localStorage: false });
}

function gunpp(args, input) {
  const r = spawnSync(GUNPP, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`gunpp ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// Every node of a GUN.js graph as one put message each.
function messagesOf(graph) {
  return Object.keys(graph).map((soul, i) => ({ '#': `g${i}`, put: { [soul]: graph[soul] } }));
}

// `gunpp apply` of messages (one per line), a minute ahead of their states.
function apply(messages) {
  const file = path.join(work, 'in.ndjson');
  fs.writeFileSync(file, messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
  return JSON.parse(gunpp(['apply', '--now', String(Date.now() + 60000), file]));
}

// The user fields GUN.js signed: every field of a user soul but "pub".
function signedFields(graph) {
  const out = [];
  for (const soul of Object.keys(graph)) {
    if (!SEA.opt.pub(soul) || soul.startsWith('~@')) continue;
    for (const key of Object.keys(graph[soul])) {
      if (key !== '_' && key !== 'pub') out.push([soul, key]);
    }
  }
  return out;
}

// A one-field message with the field's value replaced by `value`, under a
// fresh id (a peer drops a message id it has seen).
let ids = 0;
function oneField(graph, soul, key, value) {
  const node = { _: { '#': soul, '>': { [key]: graph[soul]._['>'][key] } }, [key]: value };
  return { '#': `t${ids++}`, put: { [soul]: node } };
}

// Tampers an envelope's signed value, keeping its signature.
function tamper(envelope) {
  const e = JSON.parse(envelope);
  e[':'] = typeof e[':'] === 'string' ? e[':'] + '!' : 'changed';
  return JSON.stringify(e);
}

// GUN.js's graph after a user, a nested node and a certified write.
async function gunMadeGraph() {
  const gun = gunPeer();
  const user = gun.user();
  const created = await new Promise((r) => user.create('alice', 'correct horse', r));
  if (created.err) throw new Error('user.create: ' + created.err);
  const authed = await new Promise((r) => user.auth('alice', 'correct horse', r));
  if (authed.err) throw new Error('user.auth: ' + authed.err);
  const alice = user._.sea;
  user.get('name').put('Alice');
  user.get('profile').put({ bio: 'says "hi"\n', n: 1.5, ok: true, none: null });
  const bob = await SEA.pair();
  const cert = await SEA.certify(bob.pub, { '#': { '*': 'inbox' } }, alice);
  await sleep(200);
  user.leave();
  await new Promise((r) => user.auth(bob, r));
  await new Promise((r) => gun.get('~' + alice.pub).get('inbox').get('m1')
    .put('hello', r, { opt: { cert } }));
  await sleep(200);
  return { graph: JSON.parse(JSON.stringify(gun._.graph)), alice, bob };
}

// Hands messages to a fresh GUN.js peer as if heard from another peer.
// Resolves to {gun}: a GUN chain is a thenable, so it is never resolved to
// itself.
async function gunReceives(messages) {
  const gun = gunPeer();
  for (const m of messages) inject(gun._, JSON.parse(JSON.stringify(m)));
  await sleep(300);
  return { gun };
}

const results = [];
async function scenario(name, body) {
  try {
    await body();
    results.push(true);
    realLog(`PASS ${name}`);
  } catch (e) {
    results.push(false);
    realLog(`FAIL ${name}: ${e.message}`);
  }
}
function expect(cond, what) {
  if (!cond) throw new Error(what);
}

(async () => {
  const made = await gunMadeGraph();
  const { graph } = made;

  await scenario('a user, fields and a certified write made by GUN.js verify in gunpp', async () => {
    const out = apply(messagesOf(graph));
    expect(out.errors.every((e) => e === null), 'refused: ' + out.errors.filter((e) => e).join('; '));
    for (const soul of Object.keys(graph)) {
      for (const key of Object.keys(graph[soul])) {
        if (key === '_') continue;
        expect(JSON.stringify(out.graph[soul][key]) === JSON.stringify(graph[soul][key]),
          `${soul} ${key} missing or changed`);
      }
    }
    const inbox = `~${made.alice.pub}/inbox`;
    expect(JSON.parse(graph[inbox].m1)['*'] === made.bob.pub, 'the inbox write is not bob\'s');
  });

  await scenario('every GUN.js-signed field with its value tampered is refused by gunpp', async () => {
    const fields = signedFields(graph);
    expect(fields.length >= 8, `only ${fields.length} signed fields`);
    const out = apply(fields.map(([soul, key]) => oneField(graph, soul, key, tamper(graph[soul][key]))));
    out.errors.forEach((e, i) => expect(e && e.includes('SEA refused') && e.includes('signature'),
      `${fields[i][1]} accepted: ${e}`));
    expect(Object.keys(out.graph).length === 0, 'something was applied');
  });

  await scenario('replays and GUN.js\'s holes are refused by gunpp', async () => {
    const alice = `~${made.alice.pub}`;
    const name = graph[alice].name;
    const unsignedWriter = JSON.stringify({ ':': 'Mallory', '~': (await SEA.sign(
      { '#': alice, '.': 'name', ':': 'Mallory', '>': graph[alice]._['>'].name }, made.bob, null, { raw: 1 })).s,
    '*': made.bob.pub });
    // The legacy fallback: a signature over the text "[object Object]"
    // (SEA.sign would parse that text first, so node's crypto signs it).
    const aliceKey = crypto.createPrivateKey({ format: 'jwk', key: {
      kty: 'EC', crv: 'P-256', x: made.alice.pub.split('.')[0], y: made.alice.pub.split('.')[1], d: made.alice.priv } });
    const legacySig = crypto.sign('sha256', crypto.createHash('sha256').update('[object Object]').digest(),
      { key: aliceKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
    const legacy = JSON.stringify({ ':': 'Mallory', '~': legacySig });
    const cases = [
      ['replayed onto another key', oneField(graph, alice, 'alias', name)],
      ['a writer named without a certificate', oneField(graph, alice, 'name', unsignedWriter)],
      ['a legacy [object Object] signature', oneField(graph, alice, 'name', legacy)],
      ['an unsigned value', oneField(graph, alice, 'name', 'Mallory')],
    ];
    const out = apply(cases.map((c) => c[1]));
    out.errors.forEach((e, i) => expect(e && e.includes('SEA refused'), `${cases[i][0]} accepted`));
    // What GUN.js itself does with each, for docs/sea.md.
    for (const [what, message] of cases) {
      const { gun } = await gunReceives([message]);
      const stored = (gun._.graph[alice] || {})[Object.keys(message.put[alice]).find((k) => k !== '_')];
      realLog(`  GUN.js ${stored === undefined ? 'refuses' : 'stores'} ${what}`);
    }
  });

  // gunpp makes a user and data; GUN.js checks it.
  const pairFile = path.join(work, 'pair.json');
  fs.writeFileSync(pairFile, gunpp(['sea', 'pair']));
  const pair = JSON.parse(fs.readFileSync(pairFile, 'utf8'));
  const bobFile = path.join(work, 'bob.json');
  fs.writeFileSync(bobFile, gunpp(['sea', 'pair']));
  const bob = JSON.parse(fs.readFileSync(bobFile, 'utf8'));
  const certFile = path.join(work, 'cert.json');
  fs.writeFileSync(certFile, gunpp(['sea', 'certify', '--pair', pairFile, '--', '{"#":{"*":"inbox"}}', bob.pub]));
  const lines = (text) => text.trim().split('\n').map((l) => JSON.parse(l));
  const ours = [
    ...lines(gunpp(['sea', 'user', '--pair', pairFile, 'carol', 'correct horse'])),
    ...lines(gunpp(['sea', 'put', '--pair', pairFile, '--soul', `~${pair.pub}`,
      '{"name":"Carol","age":42.5,"ok":true,"home":{"#":"somewhere"}}'])),
    ...lines(gunpp(['sea', 'put', '--pair', bobFile, '--soul', `~${pair.pub}/inbox`,
      '--cert', certFile, '{"m1":"hello"}'])),
  ];

  await scenario('a user, fields and a certified write made by gunpp are stored by GUN.js', async () => {
    const { gun } = await gunReceives(ours);
    const g = gun._.graph;
    const soul = `~${pair.pub}`;
    for (const m of ours) {
      for (const s of Object.keys(m.put)) {
        for (const key of Object.keys(m.put[s])) {
          if (key === '_') continue;
          expect(g[s] && JSON.stringify(g[s][key]) === JSON.stringify(m.put[s][key]), `GUN.js dropped ${s} ${key}`);
        }
      }
    }
    const name = await new Promise((r) => gun.get(soul).get('name').once(r));
    expect(name === 'Carol', `GUN.js reads name as ${JSON.stringify(name)}`);
    const packed = await new Promise((r) => SEA.opt.pack(
      { '#': soul, '.': 'age', ':': g[soul].age, '>': g[soul]._['>'].age }, r));
    const verified = (await SEA.verify(packed, pair.pub) || {})[':'];
    expect(verified === 42.5, `SEA.verify gives ${JSON.stringify(verified)}`);
  });

  await scenario('GUN.js logs in as the user gunpp created', async () => {
    const { gun } = await gunReceives(ours);
    const user = gun.user();
    const ack = await new Promise((r) => user.auth('carol', 'correct horse', r));
    expect(!ack.err, 'user.auth: ' + ack.err);
    expect(user.is.pub === pair.pub, 'logged in as another pub');
    expect(user._.sea.priv === pair.priv && user._.sea.epriv === pair.epriv, 'the private keys differ');
  });

  await scenario('GUN.js drops gunpp-signed fields with tampered values', async () => {
    const soul = `~${pair.pub}`;
    const signed = ours.find((m) => m.put[soul] && m.put[soul].name);
    const bad = JSON.parse(JSON.stringify(signed));
    bad.put[soul].name = tamper(bad.put[soul].name);
    bad.put[soul].age = tamper(bad.put[soul].age);
    const { gun } = await gunReceives([bad]);
    expect(!(gun._.graph[soul] || {}).name && !(gun._.graph[soul] || {}).age, 'GUN.js stored a tampered field');
  });

  const passed = results.filter((r) => r).length;
  realLog(`${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length ? 0 : 1);
})().catch((e) => {
  realLog('FAIL ' + e.stack);
  process.exit(1);
});
