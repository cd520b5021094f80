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
  realLog('FAIL the whole run took longer than 170 s');
  process.exit(1);
}, 170000);
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

// The fields `after` has and `before` had not (or held otherwise), as one
// put message: what one chain put wrote.
function diffMessage(before, after) {
  const put = {};
  for (const soul of Object.keys(after)) {
    for (const key of Object.keys(after[soul])) {
      if (key === '_') continue;
      const old = (before[soul] || {})[key];
      if (JSON.stringify(old) === JSON.stringify(after[soul][key])) continue;
      put[soul] = put[soul] || { _: { '#': soul, '>': {} } };
      put[soul][key] = after[soul][key];
      put[soul]._['>'][key] = after[soul]._['>'][key];
    }
  }
  return { '#': `d${ids++}`, put };
}

// Every certificate form SEA.certify's documentation shows, each used by a
// writer through GUN.js's own chain with {opt: {cert}}: one put message
// each, with the writer's put callback answer.
// (A list of two pubs or more is left out: GUN.js's check never matches
// one, and its writer's put never returns; the differential run covers it.)
async function gunCertifiedWrites() {
  const [alice, bob, carol] = await Promise.all([SEA.pair(), SEA.pair(), SEA.pair()]);
  let gun;
  const root = () => gun.get('~' + alice.pub);
  const hour = Date.now() + 3600 * 1000;
  const forms = [
    ['the documented inbox: {"*": "inbox", "+": "*"}', bob, bob.pub,
      { '*': 'inbox', '+': '*' }, {}, () => root().get('inbox').get(bob.pub)],
    ['the documented inbox with an expiry an hour ahead', bob, bob.pub,
      { '*': 'inbox', '+': '*' }, { expiry: hour }, () => root().get('inbox').get(bob.pub)],
    ['"*": anyone, the writer\'s pub in the key', carol, '*',
      { '*': 'inbox', '+': '*' }, {}, () => root().get('inbox').get(carol.pub)],
    ['a list of one pub object and a string policy', bob, [{ pub: bob.pub }],
      'status', {}, () => root().get('status')],
    ['a list holding "*" with a path below', carol, [bob.pub, '*'],
      { '*': 'notes' }, {}, () => root().get('notes').get('n1')],
    ['"#" and "." patterns', bob, bob.pub,
      { '#': { '*': 'docs' }, '.': { '*': 'title' } }, {}, () => root().get('docs').get('title')],
    ['a list of rules, the second one matching', carol, '*',
      [{ '*': 'inbox', '+': '*' }, { '#': { '*': 'comments' } }], {},
      () => root().get('comments').get('c1')],
    ['{write: rule} with a read rule beside it', bob, bob.pub,
      { read: { '*': 'wall' }, write: { '*': 'wall', '+': '*' } }, { expiry: hour },
      () => root().get('wall').get(bob.pub + '-1')],
    ['a nested object under the writer\'s key', bob, bob.pub,
      { '*': 'inbox', '+': '*' }, {}, () => root().get('inbox').get(bob.pub), { msg: 'hi', n: 2 }],
  ];
  const out = [];
  for (const [name, writer, who, policy, opt, chain, value] of forms) {
    const cert = await SEA.certify(who, policy, alice, null, opt);
    gun = gunPeer();
    await new Promise((r) => gun.user().auth(writer, r));
    const before = JSON.parse(JSON.stringify(gun._.graph));
    const ack = await new Promise((r) => {
      chain().put(value || 'hi', r, { opt: { cert } });
      setTimeout(() => r({ err: 'no answer within 5 s' }), 5000);
    });
    await sleep(100);
    out.push({ name, ack, message: diffMessage(before, JSON.parse(JSON.stringify(gun._.graph))) });
  }
  return { alice, bob, carol, writes: out };
}

// A field written into `soul` by `writer` (a pair) with a certificate
// (SEA.certify's text), signed as GUN.js signs it, as one put message.
async function certifiedField(soul, key, value, state, writer, cert) {
  const signed = await SEA.sign({ '#': soul, '.': key, ':': value, '>': state }, writer, null, { raw: 1 });
  const envelope = JSON.stringify({ ':': value, '~': signed.s, '+': JSON.parse(cert.slice(3)), '*': writer.pub });
  const node = { _: { '#': soul, '>': { [key]: state } }, [key]: envelope };
  return { '#': `c${ids++}`, put: { [soul]: node } };
}

// Whether GUN.js, hearing `message` from a peer, stores every field of it.
async function gunStores(message) {
  const { gun } = await gunReceives([message]);
  const g = gun._.graph;
  return Object.keys(message.put).every((soul) => Object.keys(message.put[soul])
    .every((key) => key === '_' || (g[soul] && JSON.stringify(g[soul][key]) === JSON.stringify(message.put[soul][key]))));
}

// GUN.js's two holes that docs/sea.md lists first, in `soul`'s key name:
// a writer named in "*" with no certificate, and a signature by the owner
// over the text "[object Object]" (SEA.sign would parse that text first, so
// node's crypto signs it).
async function holes(graph, soul, owner, other) {
  const unsignedWriter = JSON.stringify({ ':': 'Mallory', '~': (await SEA.sign(
    { '#': soul, '.': 'name', ':': 'Mallory', '>': graph[soul]._['>'].name }, other, null, { raw: 1 })).s,
  '*': other.pub });
  const ownerKey = crypto.createPrivateKey({ format: 'jwk', key: {
    kty: 'EC', crv: 'P-256', x: owner.pub.split('.')[0], y: owner.pub.split('.')[1], d: owner.priv } });
  const legacySig = crypto.sign('sha256', crypto.createHash('sha256').update('[object Object]').digest(),
    { key: ownerKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
  return [
    { name: 'a writer named without a certificate', stricter: true,
      message: oneField(graph, soul, 'name', unsignedWriter) },
    { name: 'a legacy [object Object] signature', stricter: true,
      message: oneField(graph, soul, 'name', JSON.stringify({ ':': 'Mallory', '~': legacySig })) },
  ];
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

  const certified = await gunCertifiedWrites();

  await scenario('every certificate form SEA.certify documents, written by GUN.js, verifies in gunpp', async () => {
    for (const w of certified.writes) {
      expect(!w.ack.err, `GUN.js's own put callback says ${w.ack.err} for ${w.name}`);
      expect(Object.keys(w.message.put).length >= 1, `GUN.js wrote nothing for ${w.name}`);
    }
    for (const w of certified.writes) {
      const out = apply([w.message]);
      expect(out.errors[0] === null, `${w.name}: ${out.errors[0]}`);
      for (const soul of Object.keys(w.message.put)) {
        for (const key of Object.keys(w.message.put[soul])) {
          if (key === '_') continue;
          expect(out.graph[soul] && out.graph[soul][key] === w.message.put[soul][key],
            `${w.name}: ${soul} ${key} not stored`);
        }
      }
    }
    const documented = certified.writes[0].message.put;
    const alice = '~' + certified.alice.pub;
    expect(Object.keys(documented).sort().join() === [alice, alice + '/inbox'].sort().join(),
      'the documented example wrote ' + Object.keys(documented).join());
  });

  // Every fixture, good and forged, through a fresh GUN.js peer and through
  // gunpp: they must agree, but for the rows of docs/sea.md's "Where gunpp
  // is stricter" table: writes only GUN.js stores ("stricter"), and the
  // array of pubs GUN.js never matches ("lenient"). A new difference fails.
  await scenario('differential: GUN.js and gunpp agree on every SEA fixture but the documented stricter ones', async () => {
    const { alice, bob, carol } = certified;
    const A = '~' + alice.pub;
    const state = Date.now();
    const inbox = await SEA.certify(bob.pub, { '*': 'inbox', '+': '*' }, alice);
    const expired = await SEA.certify(bob.pub, { '*': 'inbox', '+': '*' }, alice, null, { expiry: state - 60000 });
    const aliasTo = (target) => ({ '#': `a${ids++}`, put: { '~@alice': {
      _: { '#': '~@alice', '>': { [target]: state } }, [target]: { '#': target } } } });
    const fixtures = [
      ...certified.writes.map((w) => ({ name: w.name, message: w.message })),
      ...messagesOf(graph).map((m) => ({ name: 'GUN.js user data ' + Object.keys(m.put)[0].slice(0, 12), message: m })),
      { name: 'a tampered value', message: oneField(graph, `~${made.alice.pub}`, 'name', tamper(graph[`~${made.alice.pub}`].name)) },
      { name: 'a signature replayed onto another key', message: oneField(graph, `~${made.alice.pub}`, 'alias', graph[`~${made.alice.pub}`].name) },
      { name: 'an unsigned value in user space', message: oneField(graph, `~${made.alice.pub}`, 'name', 'Mallory') },
      ...await holes(graph, `~${made.alice.pub}`, made.alice, made.bob),
      { name: 'an alias entry to the user soul it names', message: aliasTo(A) },
      { name: 'an alias entry to a non-user soul', message: aliasTo('mallory'), stricter: true },
      { name: 'an alias entry to a path below a user', message: aliasTo(A + '/inbox'), stricter: true },
      { name: 'the inbox certificate: a value at the owner\'s root', stricter: true,
        message: await certifiedField(A, 'inbox', 'hi', state, bob, inbox) },
      { name: 'the inbox certificate: the root key linked elsewhere', stricter: true,
        message: await certifiedField(A, 'inbox', { '#': '~' + bob.pub }, state, bob, inbox) },
      { name: 'the inbox certificate: a key without the writer\'s pub',
        message: await certifiedField(A + '/inbox', 'm1', 'hi', state, bob, inbox) },
      { name: 'the inbox certificate used by another writer',
        message: await certifiedField(A + '/inbox', carol.pub, 'hi', state, carol, inbox) },
      { name: 'a certificate for a list of two pubs', lenient: true,
        message: await certifiedField(A + '/inbox', carol.pub, 'hi', state, carol,
          await SEA.certify([bob.pub, carol.pub], { '*': 'inbox', '+': '*' }, alice)) },
      { name: 'an expired certificate', message: await certifiedField(A + '/inbox', bob.pub, 'hi', state, bob, expired) },
      { name: 'a certificate from someone else than the owner',
        message: await certifiedField(A + '/inbox', bob.pub, 'hi', state, bob,
          await SEA.certify(bob.pub, { '*': 'inbox', '+': '*' }, carol)) },
    ];
    const out = apply(fixtures.map((f) => f.message));
    const gaps = [];
    for (let i = 0; i < fixtures.length; ++i) {
      const f = fixtures[i];
      const gun = await gunStores(f.message);
      const ours = out.errors[i] === null;
      realLog(`  ${gun ? 'stores ' : 'refuses'} ${ours ? 'stores ' : 'refuses'} ${f.name}`);
      const fine = f.stricter ? gun && !ours : f.lenient ? !gun && ours : gun === ours;
      if (!fine) gaps.push(`${f.name} (GUN.js ${gun ? 'stores' : 'refuses'}, gunpp ${ours ? 'stores' : 'refuses: ' + out.errors[i]})`);
    }
    expect(gaps.length === 0, 'new differences: ' + gaps.join('; '));
  });

  const passed = results.filter((r) => r).length;
  realLog(`${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length ? 0 : 1);
})().catch((e) => {
  realLog('FAIL ' + e.stack);
  process.exit(1);
});
