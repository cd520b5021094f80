// A GUN.js relay with RAD on a folder (the pinned npm `gun`), optionally
// peered with other GUN.js relays: GUN's own way to run more than one.
//
//   node gun_relay.js DIR [--peer URL]...
//
// Prints "listening ws://127.0.0.1:PORT/gun" on stdout; exits when its
// standard input closes.
'use strict';

const http = require('http');
const path = require('path');

const argv = process.argv.slice(2);
const dir = argv[0];
const peers = [];
for (let i = 1; i < argv.length; ++i) if (argv[i] === '--peer') peers.push(argv[++i]);

const realLog = console.log;
console.log = (...a) => console.error(...a);  // GUN's banner
const Gun = require(path.join(__dirname, '../../tests/conformance/node_modules/gun'));

const server = http.createServer().listen(0, '127.0.0.1', () => {
  realLog(`listening ws://127.0.0.1:${server.address().port}/gun`);
});
Gun({ web: server, file: dir, radisk: true, localStorage: false, peers,
      multicast: false, stats: false, axe: false });

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
