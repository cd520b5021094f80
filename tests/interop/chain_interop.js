// chain_interop.js - GUN's chain API in GUN.js apps (the pinned npm `gun`, in
// node) and in gunpp (`gunpp agent`'s path commands), over real sockets on
// 127.0.0.1:
//  - apps on both sides write and read each other's data through a gunpp
//    relay and through a GUN.js relay: nested puts, sets, map, live updates,
//    a repointed link;
//  - a differential run: the same generated chain programs run in a GUN.js
//    app (through a GUN.js relay) and in a gunpp agent (through a gunpp
//    relay), and the two graphs must match: souls, keys and values, set
//    souls up to renaming, states not compared (they are clocks).
//
//   node tests/interop/chain_interop.js --gunpp build/gunpp
//        [--programs N] [--seed S] [--only NAME]
'use strict';

const {
  Gun, arg, bound, gunClient, realLog, run, startAgent, startGunRelay,
  startRelay, until,
} = require('./harness');

bound(420);
// 1,050 programs, so that at least 1,000 are compared after GUN.js's stalls.
const PROGRAMS = Number(arg('--programs') || 1050);
const SEED = Number(arg('--seed') || 1);

// GUN.js's once, as a promise: the value, or undefined after `ms`.
function gunOnce(ref, ms = 3000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    ref.once((data) => { clearTimeout(timer); resolve(data); });
  });
}

// GUN.js's put (or set), as a promise of its ack.
function gunPut(ref, data, op = 'put', ms = 9000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${op} ack within ${ms / 1000} s`)), ms);
    ref[op](data, (ack) => {
      clearTimeout(timer);
      if (ack.err) reject(new Error(String(ack.err))); else resolve(ack);
    });
  });
}

// An app's put (or set) in the live scenarios: GUN.js's chain now and then
// never resolves a path and never sends the put (the differential below
// counts how often), so a put that gets no ack in 5 s is made once more, as
// an app would retry it; a second stall fails the scenario.
async function appPut(ref, data, op = 'put') {
  try {
    return await gunPut(ref, data, op, 5000);
  } catch (e) {
    realLog(`note: GUN.js's ${op} stalled once; made again`);
    return gunPut(ref, data, op);
  }
}

const at = (gun, path) => path.slice(1).reduce((r, k) => r.get(k), gun.get(path[0]));
const strip = (node) => {
  const out = {};
  for (const k of Object.keys(node || {})) if (k !== '_') out[k] = node[k];
  return out;
};
// JSON with object keys sorted: key order is not part of a node.
const sorted = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
function expectEqual(got, want, what) {
  const a = sorted(got);
  const b = sorted(want);
  if (a !== b) throw new Error(`${what}: got ${a}, want ${b}`);
}

// Both ways through one relay (`url`): a GUN.js app and a gunpp agent.
// `acks`: whether the relay acks a put (a GUN.js relay without storage
// does not; an app's put is then acked by a gunpp peer that stored it).
function liveScenarios(relayName, start, acks) {
  let url;
  let app;
  let agent;
  const name = (s) => `${s} (through ${relayName})`;
  const prefix = relayName.replace(/\W/g, '');
  return [
    { name: name('setup'), fn: async () => {
      url = (await start()).url;
      app = gunClient(url);
      agent = await startAgent(url);
    } },
    { name: name('a GUN.js app\'s nested put is read by a gunpp agent'), fn: async () => {
      const root = prefix + '-app';
      await appPut(at(app, [root, 'users', 'alice']),
                   { name: 'Alice', address: { city: 'Paris', geo: { lat: 48.85 } } });
      const city = await agent.send({ op: 'once', path: [root, 'users', 'alice', 'address', 'city'] });
      expectEqual(city, { id: city.id, ok: true, found: true, value: 'Paris' }, 'city');
      const lat = await agent.send({ op: 'once', path: [root, 'users', 'alice', 'address', 'geo', 'lat'] });
      expectEqual(lat.value, 48.85, 'lat');
      const node = await agent.send({ op: 'once', path: [root, 'users', 'alice'] });
      expectEqual(node.soul, `${root}/users/alice`, 'soul');
      expectEqual(node.value, { name: 'Alice', address: { '#': `${root}/users/alice/address` } }, 'node');
    } },
    { name: name('a gunpp agent\'s nested put is read by a GUN.js app'), fn: async () => {
      const root = prefix + '-cpp';
      const put = await agent.send({ op: 'put', path: [root, 'devices', 'd1'], timeout: 1000,
                                     data: { kind: 'sensor', reading: { temp: 21.5, ok: true } } });
      if (!put.ok || put.acked !== acks) throw new Error('put: ' + JSON.stringify(put));
      const temp = await gunOnce(at(app, [root, 'devices', 'd1', 'reading', 'temp']));
      expectEqual(temp, 21.5, 'temp');
      const d1 = await gunOnce(at(app, [root, 'devices', 'd1']));
      expectEqual(strip(d1), { kind: 'sensor', reading: { '#': `${root}/devices/d1/reading` } }, 'd1');
    } },
    { name: name('sets both ways, map, and live items'), fn: async () => {
      const chat = prefix + '-chat';
      const seen = {};
      app.get(chat).map().on((m, key) => { seen[key] = m && m.msg; });
      await agent.send({ op: 'on', path: [chat], map: true, sub: chat });
      await appPut(app.get(chat), { msg: 'from GUN.js' }, 'set');
      const set = await agent.send({ op: 'set', path: [chat], data: { msg: 'from gunpp' },
                                     timeout: 1000 });
      if (!set.ok || set.acked !== acks) throw new Error('set: ' + JSON.stringify(set));
      await until(() => seen[set.soul] === 'from gunpp', 5000, 'the GUN.js app to see the agent\'s item');
      await until(() => agent.events.filter((e) => e.sub === chat).length >= 2, 5000,
                  'the agent to see both items');
      const mapped = await agent.send({ op: 'map', path: [chat], settle: 300 });
      // A set made again after a stall may have made two items.
      const msgs = [...new Set(Object.values(mapped.items).map((v) => v.msg))].sort();
      expectEqual(msgs, ['from GUN.js', 'from gunpp'], 'map');
      await agent.send({ op: 'off', sub: chat });
    } },
    { name: name('a gunpp on() follows a link the GUN.js app repoints'), fn: async () => {
      const root = prefix + '-ptr';
      await appPut(app.get(root + '-a'), { n: 1 });
      await appPut(app.get(root + '-b'), { n: 2 });
      await appPut(app.get(root).get('cur'), { '#': root + '-a' });
      await agent.send({ op: 'on', path: [root, 'cur', 'n'], sub: root });
      const values = () => agent.events.filter((e) => e.sub === root).map((e) => e.value);
      await until(() => values().includes(1), 5000, 'the first target');
      await appPut(app.get(root).get('cur'), { '#': root + '-b' });
      await until(() => values().includes(2), 5000, 'the repointed target');
      await agent.send({ op: 'off', sub: root });
    } },
    { name: name('a missing path is not found, in time'), fn: async () => {
      const started = Date.now();
      const missing = await agent.send({ op: 'once', path: [prefix + '-none', 'a', 'b'], timeout: 3000 });
      expectEqual(missing.found, false, 'found');
      if (Date.now() - started > 3500) throw new Error('answered late');
    } },
  ];
}

// SEA user space on the chain, both ways, through a gunpp relay that
// verifies every signature.
const userSpace = { name: 'SEA: a gunpp agent\'s signed chain put is read by GUN.js\'s user(); a GUN.js user\'s by the agent', fn: async () => {
  const relay = await startRelay(0);
  const app = gunClient(relay.url);
  const agent = await startAgent(relay.url);
  const SEA = Gun.SEA;
  const [alice, bob] = await Promise.all([SEA.pair(), SEA.pair()]);
  const put = await agent.send({ op: 'put', path: ['~' + alice.pub, 'profile'], pair: alice,
                                 data: { name: 'Alice', address: { city: 'Paris' } } });
  if (!put.ok || !put.acked) throw new Error('signed put: ' + JSON.stringify(put));
  const city = await gunOnce(app.user(alice.pub).get('profile').get('address').get('city'));
  expectEqual(city, 'Paris', 'GUN.js reads the agent\'s signed city');
  // The agent's pair must own the path.
  const wrong = await agent.send({ op: 'put', path: ['~' + bob.pub, 'x'], pair: alice, data: 1 });
  expectEqual(wrong.ok, false, 'a put in another user\'s space');

  const authed = await new Promise((r) => app.user().auth(bob, r));
  if (authed.err) throw new Error('user.auth: ' + authed.err);
  await appPut(app.user().get('profile'), { name: 'Bob', pet: { kind: 'cat' } });
  const kind = await agent.send({ op: 'once', path: ['~' + bob.pub, 'profile', 'pet', 'kind'] });
  expectEqual(kind.value, 'cat', 'the agent reads GUN.js\'s signed data, opened');
} };

// A seeded generator (mulberry32), so a failing program can be replayed.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One chain program on root `root`: 2 to 6 steps of nested puts, puts of
// primitives, deletes, sets and links repointed to a node it made.
function program(random, root) {
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const keys = ['a', 'b', 'c', 'd'];
  const path = () => {
    const p = [root];
    const depth = 1 + Math.floor(random() * 3);
    for (let i = 0; i < depth; ++i) p.push(pick(keys));
    return p;
  };
  const primitive = () => pick([1, 2.5, -7, 'x', 'hello world', true, false, '']);
  const object = (depth) => {
    const o = {};
    const n = 1 + Math.floor(random() * 3);
    for (let i = 0; i < n; ++i) {
      o[pick(['k', 'm', 'n', 'v'])] = depth > 0 && random() < 0.4 ? object(depth - 1) : primitive();
    }
    return o;
  };
  const steps = [];
  const made = [];  // paths whose node this program wrote
  const count = 2 + Math.floor(random() * 5);
  for (let i = 0; i < count; ++i) {
    const r = random();
    const p = path();
    if (r < 0.35) {
      steps.push({ op: 'put', path: p, data: object(2) });
      made.push(p);
    } else if (r < 0.55) {
      steps.push({ op: 'put', path: p, data: primitive() });
    } else if (r < 0.7) {
      steps.push({ op: 'put', path: p, data: null });
    } else if (r < 0.85) {
      steps.push({ op: 'set', path: p, data: object(1) });
    } else if (made.length > 0) {
      const target = pick(made);
      steps.push({ op: 'put', path: p, link: target });
    }
  }
  return steps;
}

// The soul a path names in a graph (following links), or undefined.
function soulAt(graph, path) {
  let soul = path[0];
  for (const key of path.slice(1)) {
    const node = graph[soul];
    const v = node && node[key];
    if (!v || typeof v !== 'object' || typeof v['#'] !== 'string') return undefined;
    soul = v['#'];
  }
  return soul;
}

// A graph with states dropped and the souls set() made (`generated`, and the
// souls of objects nested in them, named below them) renamed in an order both
// sides share: by the item's content, links to generated souls blanked.
function canonical(graph, generated) {
  const top = generated.filter((s) => !s.includes('/'));
  const isTop = new Set(top);
  const blank = (soul) => {
    const head = soul.split('/')[0];
    return isTop.has(head) ? '*' + soul.slice(head.length) : soul;
  };
  const content = (soul) => JSON.stringify(Object.entries(strip(graph[soul])).map(
    ([k, v]) => [blank(k), v && typeof v === 'object' ? blank(v['#']) : v]).sort());
  // Where each is linked from, then what it holds.
  const parents = new Map(top.map((soul) => [soul, []]));
  for (const [soul, node] of Object.entries(graph)) {
    for (const v of Object.values(strip(node))) {
      if (v && typeof v === 'object' && parents.has(v['#'])) parents.get(v['#']).push(blank(soul));
    }
  }
  const order = top.map((soul) => [JSON.stringify(parents.get(soul).sort()) + content(soul), soul]).sort();
  const names = new Map(order.map(([, soul], i) => [soul, 'set#' + i]));
  const rename = (soul) => {
    const head = soul.split('/')[0];
    return names.has(head) ? names.get(head) + soul.slice(head.length) : soul;
  };
  const out = {};
  for (const soul of Object.keys(graph)) {
    const node = {};
    for (const key of Object.keys(strip(graph[soul]))) {
      const v = graph[soul][key];
      node[rename(key)] = v && typeof v === 'object' ? { '#': rename(v['#']) } : v;
    }
    out[rename(soul)] = node;
  }
  return JSON.parse(sorted(out));
}

// The souls a graph reaches from `roots`.
function reachable(graph, roots) {
  const seen = new Set();
  const todo = [...roots];
  while (todo.length) {
    const soul = todo.pop();
    if (seen.has(soul) || !graph[soul]) continue;
    seen.add(soul);
    for (const v of Object.values(strip(graph[soul]))) {
      if (v && typeof v === 'object' && typeof v['#'] === 'string') todo.push(v['#']);
    }
  }
  return seen;
}

// Each side through gunpp relays, which answer gets (GUN.js's chain waits
// for an answer before it writes below a missing node) and ack puts.
//
// GUN.js's chain stalls (a put's path never resolves, its ack never comes)
// when one app runs several programs at once, and also when several apps
// share a relay, whether the relay is gunpp's or GUN.js's (they hear each
// other's gets): so ten GUN.js apps, each with a relay of its own, each run
// their share of the programs one after another.
const differential = { name: `differential: ${PROGRAMS} generated chain programs give GUN.js's graph`, fn: async () => {
  const cppRelay = await startRelay(0);
  const apps = [];
  for (let i = 0; i < 10; ++i) apps.push(gunClient((await startRelay(0)).url));
  const agent = await startAgent(cppRelay.url);
  const random = prng(SEED);
  const programs = [];
  for (let i = 0; i < PROGRAMS; ++i) {
    const root = `p${SEED}-${i}`;
    programs.push({ root, steps: program(random, root), app: apps[i % apps.length] });
  }

  // The same steps, one at a time within a program, programs side by side.
  const runGun = async (p) => {
    const app = p.app;
    for (const [i, s] of p.steps.entries()) {
      try {
        if (s.op === 'set') {
          await gunPut(at(app, s.path), s.data, 'set');
        } else {
          const target = s.link ? { '#': soulAt(app._.graph, s.link) } : s.data;
          if (s.link && !target['#']) continue;
          await gunPut(at(app, s.path), target);
        }
      } catch (e) {
        p.stalled = `step ${i}: ${e.message}`;
        return;
      }
    }
  };
  const runCpp = async (p) => {
    for (const s of p.steps) {
      let data = s.data;
      if (s.link) {
        const found = await agent.send({ op: 'once', path: s.link, timeout: 3000 });
        if (!found.soul) continue;
        data = { '#': found.soul };
      }
      const reply = await agent.send({ op: s.op, path: s.path, data });
      if (!reply.ok || !reply.acked) throw new Error(`${p.root}: ${JSON.stringify(reply)}`);
    }
  };
  const gunSide = apps.map(async (app) => {
    for (const p of programs) if (p.app === app) await runGun(p);
  });
  const cppSide = (async () => {
    for (let i = 0; i < programs.length; i += 25) {
      await Promise.all(programs.slice(i, i + 25).map(runCpp));
    }
  })();
  await Promise.all([...gunSide, cppSide]);

  // gunpp's graph, read node by node from the agent's store.
  const cppGraph = {};
  const todo = programs.map((p) => p.root);
  while (todo.length) {
    const soul = todo.pop();
    if (cppGraph[soul]) continue;
    const r = await agent.send({ op: 'graph', soul });
    if (!r.node) continue;
    cppGraph[soul] = r.node;
    for (const v of Object.values(r.node)) {
      if (v && typeof v === 'object' && typeof v['#'] === 'string') todo.push(v['#']);
    }
  }
  let differences = 0;
  let first = '';
  // A GUN.js graph with a link to a node it never wrote stalled half-way.
  for (const p of programs) {
    const g = p.app._.graph;
    for (const soul of reachable(g, [p.root])) {
      for (const v of Object.values(strip(g[soul]))) {
        if (v && typeof v === 'object' && typeof v['#'] === 'string' && !g[v['#']]) {
          p.stalled = p.stalled || `a link to ${v['#']}, a node GUN.js never wrote`;
        }
      }
    }
  }
  const stalled = programs.filter((p) => p.stalled);
  for (const p of programs) {
    if (p.stalled) continue;
    const pick = (graph) => {
      const out = {};
      for (const s of reachable(graph, [p.root])) out[s] = graph[s];
      return out;
    };
    const g = pick(p.app._.graph);
    const c = pick(cppGraph);
    // What set() made: the souls not named from the program's root.
    const made = (graph) => Object.keys(graph).filter(
      (s) => s !== p.root && !s.startsWith(p.root + '/'));
    const a = JSON.stringify(canonical(g, made(g)));
    const b = JSON.stringify(canonical(c, made(c)));
    if (a !== b) {
      ++differences;
      if (!first) first = `${p.root} ${JSON.stringify(p.steps)}\n  GUN.js: ${a}\n  gunpp:  ${b}`;
    }
  }
  realLog(`differential: ${programs.length} programs ` +
          `(${programs.length - stalled.length} compared), ` +
              `${programs.reduce((n, p) => n + p.steps.length, 0)} steps, ` +
              `${Object.keys(cppGraph).length} nodes, ${differences} differences; ` +
              `${stalled.length} left out where GUN.js stalled` +
              (stalled.length ? ` (${stalled[0].root}, ${stalled[0].stalled})` : ''));
  if (differences > 0) throw new Error(`${differences} programs differ; the first:\n${first}`);
  if (stalled.length > programs.length / 20) {
    throw new Error(`GUN.js stalled in ${stalled.length} programs: more than the 5% allowed`);
  }
} };

run([
  ...liveScenarios('a gunpp relay', () => startRelay(0), true),
  ...liveScenarios('a GUN.js relay', () => startGunRelay(), false),
  userSpace,
  differential,
], async () => {});
