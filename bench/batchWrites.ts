// What batching pays on the embedded database (issue 18): N single writes against one batched command of N, for the
// send path's final writes: inserts (insertOne ×N vs insertMany), updates by `_id` (updateOne ×N vs one `update`
// command of N statements, `bulkWrite`) and deletes by `_id` (deleteOne ×N vs one delete `{_id: {$in}}`). Each is
// timed both sequentially and with the N singles issued concurrently (as concurrent sends issue them), and the
// database's CPU time per document is read from /proc (what bounds sends/s on a busy machine). The singles are the
// baseline of the same run. Prints a table and writes bench/results/batch-writes.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Types } from 'mongoose';
import { openBenchDatabase } from './lib/benchDatabase.js';
import { machine, ms, processCpuMs, table } from './lib/stats.js';

const SIZES = (process.env.BENCH_BATCH_SIZES ?? '1,10,50').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 20);

const cpuMs = processCpuMs;

const db = await openBenchDatabase('batch');
const collection = db.connection.db?.collection('batchwrites');
if (!collection) throw new Error('no database');
const databasePid = db.embedded?.pid ?? null;
// A message-sized document (an answer of ~600 characters with its fields).
const doc = (_id: Types.ObjectId) => ({
  _id,
  tenantId: 'tenant-1',
  siteId: new Types.ObjectId(),
  conversationId: new Types.ObjectId(),
  role: 'assistant',
  text: 'An answer of a typical length. '.repeat(20),
  images: [],
  status: 'complete',
  clientMessageId: 'c-1',
  createdAt: new Date(),
  updatedAt: new Date(),
});
// Some history, so the collection is not empty (lookups by `_id` use the index whatever its size).
await collection.insertMany(Array.from({ length: 2000 }, () => doc(new Types.ObjectId())));

type Way = 'sequential singles' | 'concurrent singles' | 'one batched command';
interface Row {
  write: string;
  n: number;
  way: Way;
  msPerDoc: number;
  databaseCpuMsPerDoc: number;
}
const rows: Row[] = [];

async function measure(
  write: string,
  n: number,
  way: Way,
  work: (ids: Types.ObjectId[]) => Promise<unknown>,
  prepare?: (ids: Types.ObjectId[]) => Promise<unknown>,
) {
  let elapsed = 0;
  let cpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const ids = Array.from({ length: n }, () => new Types.ObjectId());
    await prepare?.(ids);
    const cpuBefore = cpuMs(databasePid);
    const started = performance.now();
    await work(ids);
    elapsed += performance.now() - started;
    cpu += cpuMs(databasePid) - cpuBefore;
  }
  const docs = n * ROUNDS;
  rows.push({ write, n, way, msPerDoc: elapsed / docs, databaseCpuMsPerDoc: cpu / docs });
}

const insertAll = (ids: Types.ObjectId[]) => collection.insertMany(ids.map(doc));
const byId = (_id: Types.ObjectId) => ({ _id });
for (const n of SIZES) {
  await measure('insert', n, 'sequential singles', async (ids) => {
    for (const id of ids) await collection.insertOne(doc(id));
  });
  await measure('insert', n, 'concurrent singles', (ids) => Promise.all(ids.map((id) => collection.insertOne(doc(id)))));
  await measure('insert', n, 'one batched command', (ids) => collection.insertMany(ids.map(doc), { ordered: false }));

  const set = { $set: { text: 'Updated.', updatedAt: new Date() } };
  await measure(
    'update by _id',
    n,
    'sequential singles',
    async (ids) => {
      for (const id of ids) await collection.updateOne(byId(id), set);
    },
    insertAll,
  );
  await measure(
    'update by _id',
    n,
    'concurrent singles',
    (ids) => Promise.all(ids.map((id) => collection.updateOne(byId(id), set))),
    insertAll,
  );
  await measure(
    'update by _id',
    n,
    'one batched command',
    (ids) =>
      collection.bulkWrite(
        ids.map((id) => ({ updateOne: { filter: { _id: id }, update: set } })),
        { ordered: false },
      ),
    insertAll,
  );

  await measure(
    'delete by _id',
    n,
    'sequential singles',
    async (ids) => {
      for (const id of ids) await collection.deleteOne({ _id: id });
    },
    insertAll,
  );
  await measure(
    'delete by _id',
    n,
    'concurrent singles',
    (ids) => Promise.all(ids.map((id) => collection.deleteOne({ _id: id }))),
    insertAll,
  );
  await measure('delete by _id', n, 'one batched command', (ids) => collection.deleteMany({ _id: { $in: ids } }), insertAll);
}

const singles = (r: Row) => rows.find((o) => o.write === r.write && o.n === r.n && o.way === 'sequential singles') as Row;
console.log(`\nembedded database, ${ROUNDS} rounds per cell; baseline: the same N written one command at a time\n`);
console.log(
  table([
    ['write', 'N', 'how', 'ms per document', 'database CPU per document', 'vs sequential singles'],
    ...rows.map((r) => [
      r.write,
      String(r.n),
      r.way,
      ms(r.msPerDoc),
      ms(r.databaseCpuMsPerDoc),
      `${(singles(r).msPerDoc / r.msPerDoc).toFixed(1)}× faster`,
    ]),
  ]),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/batch-writes.json',
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: await machine(), rounds: ROUNDS, rows }, null, 2)}\n`,
);
console.log('wrote bench/results/batch-writes.json');
await db.stop();
