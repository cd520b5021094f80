// A GUN.js client for the Python tests: dials the relay, writes
// {"from":"gunjs"} into the node "py/gunjs", waits for the node "py/python"
// (that the Python peer writes) to hold "from", prints what it read as one
// JSON line and exits. Exits 1 after 20 s without it.
'use strict';
const path = require('path');
const [, , modules, url] = process.argv;
const log = console.log;
console.log = (...a) => console.error(...a);  // GUN.js's banner
const Gun = require(path.join(modules, 'gun'));
const gun = Gun({ peers: [url], radisk: false, rfs: false, file: false,
                  localStorage: false, multicast: false, stats: false,
                  axe: false, super: false });
setTimeout(() => { log(JSON.stringify({ error: 'timed out' })); process.exit(1); },
           20000).unref();
gun.get('py/gunjs').put({ from: 'gunjs', n: 7 });
let said = false;
gun.get('py/python').on((node) => {
  if (said || !node || node.from === undefined) return;
  said = true;
  const { _, ...fields } = node;
  log(JSON.stringify(fields));
  setTimeout(() => process.exit(0), 200);  // let the put's ack go out
});
