import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection, type mongo, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';
import { ensureFerretdbBinary } from './ferretdbBinary.js';

/**
 * The `p2` prefilter (`ferretdbPushdown.ts`) must never change a result: the same documents and filters go to our
 * build and to the same build with FerretDB's pushdown disabled (every filter applied in Go only), and every answer
 * must be identical. The documents hold, in the pushed fields, what equality must treat apart or alike: arrays that
 * contain the value (also nested, also of ObjectIds), an ObjectId and a string of the same hex, null, missing,
 * documents, numbers, booleans, and strings whose JSON text has escapes.
 */

const hex = '65a1b2c3d4e5f60718293a4b';
const id = new Types.ObjectId(hex);

type Document = mongo.Document;
const values: unknown[] = [
  'a',
  'b',
  '',
  id,
  hex,
  ['a', 'x'],
  [{ a: 1 }, 'a'],
  [id],
  [],
  null,
  { a: 1 },
  { s: 'a', t: [1] },
  1,
  true,
  false,
  'a"b',
  'a<b',
  'a\\b',
  'é',
  'a\u2028b',
  new Date(0),
];

function documents(): Document[] {
  const docs: Document[] = [];
  let n = 0;
  for (const tenant of values)
    for (const visitor of values.slice(0, 12)) {
      const doc: Document = {
        _id: n,
        seq: n,
        tenantId: tenant,
        visitorId: visitor,
        flag: n % 3 === 0 ? true : n % 3 === 1 ? [true] : 'x',
      };
      if (n % 5 === 0) delete doc.visitorId;
      if (n % 7 === 0) delete doc.tenantId;
      if (n % 11 === 0) doc.other = tenant;
      docs.push(doc);
      n++;
    }
  docs.push({ _id: 'a', tenantId: 'a' }, { _id: id, tenantId: 'b' }, { _id: 'zz', tenantId: 'a' });
  return docs;
}

const filters: Document[] = [
  ...values.map((v) => ({ tenantId: v })),
  ...values.map((v) => ({ tenantId: 'a', visitorId: v })),
  ...values.map((v) => ({ visitorId: v, tenantId: id })),
  ...values.map((v) => ({ tenantId: { $eq: v } })),
  { tenantId: 'b', visitorId: 'x' },
  { tenantId: 'x', visitorId: 'b' },
  { tenantId: { $in: ['a', 'b'] } },
  { tenantId: { $in: ['a', id] }, visitorId: { $in: [hex, 'b'] } },
  { tenantId: { $in: ['a', null] } },
  { tenantId: { $in: [/a/] } },
  { tenantId: { $ne: 'a' } },
  { tenantId: 'a', flag: true },
  { flag: true },
  { other: 'a' },
  { other: 'a', tenantId: 'a' },
  { tenantId: 'a', 'visitorId.0': 'a' },
  { tenantId: 'a', $or: [{ visitorId: 'b' }, { visitorId: hex }] },
  { tenantId: 'a', tenantIdx: 'a' },
  { _id: 'a' },
  { _id: id },
  { _id: hex },
  { _id: id, tenantId: 'a' },
  { _id: id, tenantId: 'b' },
  { _id: 3 },
  { _id: { $in: ['a', id] } },
  { tenantId: 'a', visitorId: 'b', seq: { $gt: 5 } },
];

const dirs: string[] = [];
const databases: EmbeddedDatabase[] = [];
const connections: Connection[] = [];
let patched: mongo.Collection;
let plain: mongo.Collection;

async function open(extraArgs: string[]): Promise<mongo.Collection> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-pushdown-'));
  dirs.push(dataDir);
  const db = await startEmbeddedDatabase({ binary: ensureFerretdbBinary(), dataDir, extraArgs });
  databases.push(db);
  const connection = await mongoose.createConnection(db.uri('pushdown')).asPromise();
  connections.push(connection);
  const collection = connection.collection('docs') as unknown as mongo.Collection;
  await collection.createIndex({ tenantId: 1, visitorId: 1, seq: -1 });
  await collection.createIndex({ flag: 1 });
  await collection.insertMany(documents());
  return collection;
}

beforeAll(async () => {
  [patched, plain] = await Promise.all([open([]), open(['--test-disable-pushdown'])]);
}, 60_000);

afterAll(async () => {
  for (const connection of connections) await connection.close();
  for (const db of databases) await db.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const inOrder = (docs: Document[]) => docs.map((d) => JSON.stringify(d)).sort();

describe('the equality prefilter of our FerretDB build', () => {
  it('is compared with a reference whose pushdown is off for every command', async () => {
    // Unpatched FerretDB still handed `find`, `aggregate` and `explain` filters to the backend with the flag (`p3`).
    const pushed = async (c: mongo.Collection) => ((await c.find({ _id: 'a' } as Document).explain()) as Document).filterPushdown;
    expect(await pushed(patched)).toBe(true);
    expect(await pushed(plain)).toBe(false);
  });

  it('finds exactly what FerretDB finds without it, for every filter', async () => {
    for (const filter of filters) {
      const [got, expected] = await Promise.all([patched.find(filter).toArray(), plain.find(filter).toArray()]);
      expect(inOrder(got), JSON.stringify(filter)).toEqual(inOrder(expected));
    }
    // The documents are not a trivial fixture: most filters match something, and arrays do match.
    expect(await plain.countDocuments({ tenantId: 'a' })).toBeGreaterThan(12);
    expect(await patched.countDocuments({ tenantId: 'b', visitorId: 'x' })).toBe(1);
    expect(await patched.countDocuments({ tenantId: 'x', visitorId: 'b' })).toBe(1);
  });

  it('counts, aggregates, updates and deletes the same documents', async () => {
    for (const filter of filters.slice(0, 25)) {
      const label = JSON.stringify(filter);
      expect(await patched.countDocuments(filter), label).toBe(await plain.countDocuments(filter));
      const pipeline = [{ $match: filter }, { $group: { _id: null, n: { $sum: 1 } } }];
      expect(await patched.aggregate(pipeline).toArray(), label).toEqual(await plain.aggregate(pipeline).toArray());
    }
    for (const [i, filter] of filters.slice(25, 45).entries()) {
      const update = { $set: { touched: i } };
      const [a, b] = await Promise.all([patched.updateMany(filter, update), plain.updateMany(filter, update)]);
      expect(a.modifiedCount, JSON.stringify(filter)).toBe(b.modifiedCount);
    }
    const removed = { tenantId: 'a', visitorId: { $in: ['a', 'x'] } };
    const [a, b] = await Promise.all([patched.deleteMany(removed), plain.deleteMany(removed)]);
    expect(a.deletedCount).toBe(b.deletedCount);
    expect(a.deletedCount).toBeGreaterThan(0);
    expect(inOrder(await patched.find({}).toArray())).toEqual(inOrder(await plain.find({}).toArray()));
  });
});
