// chat_example.js - the chat example (examples/chat) against a browser: the
// C++ client and the page, in headless Chromium with GUN.js, chat through
// `gunpp relay --web`. A message typed in the page reaches the C++ client,
// and the C++ client's message reaches the page (which answers "seen: ...").
//
//   node tests/interop/chat_example.js --gunpp build/gunpp --chat build/examples/chat
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const {
  GUNPP, arg, bound, modules, run, startBrowser, startListener, until,
} = require('./harness');

bound(120);
const CHAT = arg('--chat');

const scenario = { name: 'the C++ chat client and the browser page chat through gunpp relay --web', fn: async () => {
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'gunpp-chat-'));
  try {
    fs.copyFileSync(path.join(__dirname, '../../examples/chat/web/index.html'),
                    path.join(web, 'index.html'));
    fs.copyFileSync(path.join(modules, 'gun/gun.js'), path.join(web, 'gun.js'));
    const relay = await startListener(GUNPP, ['relay', '--host', '127.0.0.1', '--port', '0',
                                              '--web', web], 'stderr');
    const chat = spawn(CHAT, [relay.url, 'cpp'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const heard = [];
    readline.createInterface({ input: chat.stdout }).on('line', (l) => heard.push(l));
    const page = relay.url.replace('ws://', 'http://').replace(/\/gun$/, '/') +
                 '?say=hello%20from%20the%20browser&echo=1';
    const browser = startBrowser(page);
    try {
      await until(() => heard.includes('browser: hello from the browser'), 30000,
                  'the C++ client to see the page\'s message');
      chat.stdin.write('hello from C++\n');
      await until(() => heard.includes('browser: seen: hello from C++'), 15000,
                  'the page to see the C++ client\'s message (and answer it)');
      if (!heard.includes('cpp: hello from C++')) throw new Error('the client did not see its own message');
      chat.stdin.end();
      const code = await new Promise((r) => chat.on('exit', r));
      if (code !== 0) throw new Error('chat exited with ' + code);
    } finally {
      chat.kill('SIGKILL');
      await browser.stop();
      relay.child.kill('SIGKILL');
    }
  } finally {
    fs.rmSync(web, { recursive: true, force: true });
  }
} };

run([scenario], async () => {
  if (!CHAT) throw new Error('usage: chat_example.js --gunpp PATH --chat PATH');
});
