// The model call alone (issue 18 section 2): CPU per call of the real Gemini provider (`@google/genai` and `fetch`)
// against the fake in its own process, one-token answers, 50 turns of history and a system instruction as a send
// gives it. A send's CPU in bench:server moves too much on a loaded machine to show a change of a few percent; this
// isolates one part. With BENCH_BASELINE=<git ref>, that commit's provider runs in the same process, in alternating
// batches (the baseline of the same run). Prints medians and writes bench/results/model-call.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { ChatModel, ModelTurn } from '../server/ai/ChatModel.js';
import { checkoutBaseline } from './lib/baselineCheckout.js';
import { machine, percentile, table } from './lib/stats.js';

const BATCHES = Number(process.env.BENCH_MODEL_BATCHES ?? 30);
const CALLS_PER_BATCH = 150;
const WARM_UP_CALLS = 300;

const fake = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/fakeModelProcess.ts'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: fake.stdout })[Symbol.asyncIterator]();
const ready = (await lines.next()).value as string;
const fakeUrl = ready.slice('READY '.length);
fake.stdin.write(`${JSON.stringify({ tokens: 1, delayMs: 0 })}\n`);
await lines.next(); // OK

type Create = typeof import('../server/ai/geminiModel.js').createGeminiModel;
const provider = async (root: string): Promise<ChatModel> => {
  const { createGeminiModel } = (await import(pathToFileURL(join(root, 'server/ai/geminiModel.ts')).href)) as {
    createGeminiModel: Create;
  };
  return createGeminiModel({ apiKey: 'bench-key', model: 'gemini-2.5-flash', baseUrl: fakeUrl });
};

const baselineRef = process.env.BENCH_BASELINE;
const baseline = baselineRef ? checkoutBaseline(baselineRef) : null;
const providers: Record<string, ChatModel> = {
  ...(baseline ? { [`baseline ${baselineRef}`]: await provider(baseline.dir) } : {}),
  ours: await provider('.'),
};

const history: ModelTurn[] = Array.from({ length: 50 }, (_, i) => ({
  role: i % 2 ? 'assistant' : 'user',
  text: `Turn ${i} of the conversation, a sentence or two as visitors and the assistant write them.`,
}));
const system = 'You are the assistant of this site. Answer from its knowledge; say when you do not know. '.repeat(8);

async function call(model: ChatModel): Promise<void> {
  const stream = model.stream({
    system,
    history,
    turn: { role: 'user', text: 'How do I reset my password?' },
    knowledge: { passages: [], suggestions: [] },
    signal: new AbortController().signal,
  });
  for await (const _delta of stream);
}

const loads = [loadavg()[0] as number];
for (let i = 0; i < WARM_UP_CALLS; i++) for (const model of Object.values(providers)) await call(model);
const perCall: Record<string, number[]> = {};
for (let batch = 0; batch < BATCHES; batch++) {
  const names = Object.keys(providers);
  // Alternate which one goes first, so neither always follows the other's garbage.
  for (const name of batch % 2 ? names.reverse() : names) {
    const before = process.cpuUsage();
    for (let i = 0; i < CALLS_PER_BATCH; i++) await call(providers[name] as ChatModel);
    const used = process.cpuUsage(before);
    perCall[name] ??= [];
    perCall[name].push((used.user + used.system) / 1000 / CALLS_PER_BATCH);
  }
  loads.push(loadavg()[0] as number);
}
fake.stdin.end();
baseline?.remove();

const rows = Object.entries(perCall).map(([name, values]) => [
  name,
  `${percentile(values, 50).toFixed(2)} ms`,
  `${percentile(values, 25).toFixed(2)} ms`,
  `${percentile(values, 75).toFixed(2)} ms`,
]);
console.log(
  `\nCPU per model call in this process (${BATCHES} batches of ${CALLS_PER_BATCH} calls each, one-token answers, 50 turns of history)\n`,
);
console.log(table([['provider', 'median', 'p25', 'p75'], ...rows]));
const baselineValues = baselineRef ? perCall[`baseline ${baselineRef}`] : undefined;
if (baselineValues && perCall.ours) {
  // Batch by batch (the two ran back to back): the difference is steadier than the medians on a shared machine.
  const differences = perCall.ours.map((value, batch) => value - (baselineValues[batch] as number));
  const lower = differences.filter((difference) => difference < 0).length;
  console.log(
    `ours minus the baseline, batch by batch: median ${percentile(differences, 50).toFixed(3)} ms per call (ours lower in ${lower} of ${differences.length})`,
  );
}
const loadRange = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
console.log(`load average (1 min) while measuring: ${loadRange}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/model-call.json',
  `${JSON.stringify({ machine: await machine(), load: loadRange, batches: BATCHES, callsPerBatch: CALLS_PER_BATCH, msPerCall: perCall }, null, 2)}\n`,
);
console.log('wrote bench/results/model-call.json');
