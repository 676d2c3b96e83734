// A child process of bench/server.ts: the Gemini fake (server/test/fakeGemini.ts) on 127.0.0.1, in its own process so
// its work does not share the server's event loop. Prints `READY <url>`; each JSON line on stdin is the new default
// behaviour (e.g. `{"tokens":100,"delayMs":100}`), acknowledged with `OK`.
import { createInterface } from 'node:readline';
import { startFakeGemini } from '../../server/test/fakeGemini.js';

const fake = await startFakeGemini({ apiKey: 'bench-key', defaultBehaviour: { tokens: 10, delayMs: 100 } });
createInterface({ input: process.stdin }).on('line', (line) => {
  fake.setDefault(JSON.parse(line));
  fake.requests.length = 0; // keep memory flat over thousands of requests
  process.stdout.write('OK\n');
});
process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
process.stdout.write(`READY ${fake.url}\n`);
