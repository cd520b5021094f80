// The GUN.js side of bench/python/run: NODES nodes of FIELDS fields written
// with gun.get(soul).put(object) and read back with gun.get(soul).once(),
// in memory, no peers. Prints {"seconds": ..., "fields_read": ...}.
'use strict';
const path = require('path');
const [, , modules, nodesArg, fieldsArg] = process.argv;
const nodes = Number(nodesArg);
const fields = Number(fieldsArg);
const log = console.log;
console.log = () => {};  // GUN.js's banner
const Gun = require(path.join(modules, 'gun'));
const gun = Gun({ radisk: false, rfs: false, file: false, localStorage: false,
                  multicast: false, stats: false, axe: false });
const data = [];
for (let i = 0; i < nodes; i++) {
  const node = {};
  for (let j = 0; j < fields; j++) node['k' + j] = `value ${i} ${j}`;
  data.push(node);
}
const start = process.hrtime.bigint();
for (let i = 0; i < nodes; i++) gun.get('node' + i).put(data[i]);
let read = 0;
let answered = 0;
for (let i = 0; i < nodes; i++) {
  gun.get('node' + i).once((got) => {
    for (let j = 0; j < fields; j++) {
      if (got && got['k' + j] === `value ${i} ${j}`) read++;
    }
    if (++answered === nodes) {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      log(JSON.stringify({ seconds, fields_read: read }));
      process.exit(0);
    }
  });
}
