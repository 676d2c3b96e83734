// A child process of bench/server.ts: the Gemini fake (server/test/fakeGemini.ts) on 127.0.0.1, in its own process so
// its work does not share the server's event loop. Prints `READY <url>`; each JSON line on stdin is the new default
// behaviour (e.g. `{"tokens":100,"delayMs":100}`), acknowledged with `OK`; a `COUNT` line is answered with
// `COUNT <n>`, the answers it streamed since the previous `COUNT` (or behaviour).
import { createInterface } from 'node:readline';
import { startFakeGemini } from '../../server/test/fakeGemini.js';

const fake = await startFakeGemini({ apiKey: 'bench-key', defaultBehaviour: { tokens: 10, delayMs: 100 } });
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'COUNT') process.stdout.write(`COUNT ${fake.requests.length}\n`);
  else {
    fake.setDefault(JSON.parse(line));
    process.stdout.write('OK\n');
  }
  fake.requests.length = 0; // counted from here; and memory stays flat over thousands of requests
});
process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
process.stdout.write(`READY ${fake.url}\n`);
