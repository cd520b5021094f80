// The GUN.js side of bench/rad/run: loads a RAD folder with GUN.js's own
// RAD (lib/store.js, lib/radisk.js, lib/rfs.js; no network) and reads every
// soul named in a file, one GET after another as a relay answers them, into
// memory. Prints {"seconds": ..., "fields": ...} (require excluded).
'use strict';
const fs = require('fs');
const path = require('path');
const [, , modules, folder, soulsFile] = process.argv;
const log = console.log;
console.log = () => {};  // GUN.js's banner
const Gun = require(path.join(modules, 'gun', 'gun.js'));
require(path.join(modules, 'gun', 'lib', 'store.js'));
require(path.join(modules, 'gun', 'lib', 'rfs.js'));
const souls = JSON.parse(fs.readFileSync(soulsFile, 'utf8'));
const gun = Gun({ file: folder, localStorage: false, peers: [], multicast: false,
                  axe: false, lack: 10 * 60 * 1000 });
const root = gun._;
root.next = root.next || {};
const start = process.hrtime.bigint();
let fields = 0;
let i = 0;
(function next() {
  if (i === souls.length) {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    log(JSON.stringify({ seconds, fields }));
    process.exit(0);
  }
  const soul = souls[i++];
  const id = root.ask(function (msg) {
    const node = (msg.put || {})[soul];
    if (node) fields += Object.keys(node).length - 1;
    if (msg['%'] && !msg.err) return;  // more files follow
    this.off();
    next();
  });
  root.on('in', { '#': id, get: { '#': soul } });
})();
