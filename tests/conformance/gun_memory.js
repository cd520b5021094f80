// gun_memory.js - a real GUN.js core in memory, fed wire messages the way
// its mesh feeds messages heard from a peer. Shared by the conformance driver
// and the benchmark harness.
//
// Only the core bundle (gun/gun.js, or a patched copy of it) is loaded: it has
// no file system, no radisk and, under Node, no WebSocket, so nothing is
// written and no network is used. Its localStorage adapter is switched off.
'use strict';

// GUN arms setTimeout only for long waits here: deferral of future-state
// fields (up to 2^31-1 ms), the 9 s dedup sweep and request timeouts. Its
// batching turns use setImmediate. Unref'ing every timer makes "the event
// loop is idle" mean "GUN has nothing left to do now"; timers still fire
// while the process is alive. Call before load().
function unrefTimers() {
  const realSetTimeout = setTimeout;
  globalThis.setTimeout = function unrefSetTimeout(...args) {
    const t = realSetTimeout(...args);
    if (t && typeof t.unref === 'function') t.unref();
    return t;
  };
}

// Loads the GUN bundle at `file` (default: the installed gun/gun.js) and
// returns a fresh root. GUN's banner and warnings are kept off stdout.
function load(file) {
  console.log = () => {};
  const Gun = require(file || 'gun/gun.js');
  console.log = (...a) => console.error(...a);
  return Gun({ localStorage: false, WebSocket: false })._;
}

const PEER = { id: 'peer', url: 'peer' };

// Hands `msg` to `root` as the mesh hands over a message heard from a peer:
// with a function as its context `_`, `via` the peer, through root 'in'.
// Returns the context, on which GUN records `err` for an invalid graph.
function inject(root, msg) {
  const ctx = function () {};
  ctx.via = PEER;
  msg._ = ctx;
  root.on('in', msg);
  return ctx;
}

module.exports = { unrefTimers, load, inject };
