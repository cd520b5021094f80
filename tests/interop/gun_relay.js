// gun_relay.js - a GUN.js relay (the pinned npm `gun`) that only relays: no
// files, no multicast, no stats, no AXE (shared/gun-wire.md §0).
//
//   node tests/interop/gun_relay.js [--port N]
//
// Prints "listening ws://127.0.0.1:PORT/gun" on stdout once it accepts
// connections; exits when its standard input closes, so it never outlives
// the process that started it.
'use strict';

const http = require('http');
const path = require('path');

const i = process.argv.indexOf('--port');
const port = i >= 0 ? Number(process.argv[i + 1]) : 0;

const realLog = console.log;
console.log = (...a) => console.error(...a);  // GUN's banner
const Gun = require(path.join(__dirname, '../conformance/node_modules/gun'));

const server = http.createServer().listen(port, '127.0.0.1', () => {
  realLog(`listening ws://127.0.0.1:${server.address().port}/gun`);
});
Gun({ web: server, radisk: false, rfs: false, file: false, localStorage: false,
      multicast: false, stats: false, axe: false });

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
