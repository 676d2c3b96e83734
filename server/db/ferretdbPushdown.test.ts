import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection, type mongo, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';
import { ensureFerretdbBinary } from './ferretdbBinary.js';
import { createModels } from './models/index.js';

/**
 * The `p2` prefilter (`ferretdbPushdown.ts`) must never change a result: the same documents and filters go to our
 * build and to the same build with FerretDB's pushdown disabled (every filter applied in Go only), and every answer
 * must be identical. The documents hold, in the pushed fields, what equality must treat apart or alike: arrays that
 * contain the value (also nested, also of ObjectIds), an ObjectId and a string of the same hex, null, missing,
 * documents, numbers, booleans, and strings whose JSON text has escapes. A `$regex` that is a plain literal (`p5`) is
 * tried on texts of every kind: cases, escaped specials, unicode, arrays of strings, stored regexes, non-strings.
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

/** What the regex filters meet in `text` (documents without it too). */
const texts: unknown[] = [
  'the warranty claim',
  'Warranty',
  'WARRANTY',
  'a.b',
  'axb',
  'a\\b',
  'x(y)z and a+b?',
  'ship é café',
  'CAFÉ',
  'ok 😀 ok',
  'a"b<c>&d',
  'line\u2028sep',
  ['no', 'has warranty'],
  ['a.b', 7],
  [1, { warranty: 1 }],
  [],
  42,
  null,
  { warranty: 'warranty' },
  /a\.b/,
  /warranty/i,
  /warranty/,
  true,
  '',
  '\\d$',
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
      if (n % 13 !== 0) doc.text = texts[n % texts.length];
      docs.push(doc);
      n++;
    }
  docs.push({ _id: 'a', tenantId: 'a' }, { _id: id, tenantId: 'b' }, { _id: 'zz', tenantId: 'a' });
  return docs;
}

/** Plain literals (pushed), options that keep them literal or not, and regexes that are not literals. */
const regexFilters: Document[] = [
  ...[
    'warranty',
    'Warranty',
    'arran',
    'a\\.b',
    'a.b',
    'x\\(y\\)z',
    'a\\+b\\?',
    'é caf',
    'É',
    '😀',
    'a"b<c>&',
    '\u2028',
    'a\\\\b',
    '\\\\d\\$',
    '\\d',
    '^the',
    'warranty$',
    'b',
    '',
  ].flatMap((pattern) => [{ text: { $regex: pattern } }, { tenantId: 'a', text: { $regex: pattern } }]),
  { text: /warranty/ },
  { text: /a\.b/ },
  { text: /warranty/i },
  { text: { $regex: 'warranty', $options: 'i' } },
  { text: { $regex: 'warranty', $options: 'm' } },
  { text: { $regex: 'warranty', $options: 'ms' } },
  { text: { $regex: /a\.b/, $options: 's' } },
  { text: { $regex: /warranty/i } },
  { text: { $regex: 'warranty' }, tenantId: 'a', visitorId: 'b' },
  { tenantId: { $in: ['a', 'b'] }, text: { $regex: 'a' } },
  { text: { $not: /warranty/ } },
  { text: { $regex: 'warranty', $ne: 'the warranty claim' } },
  { _id: { $regex: 'z' } },
  { visitorId: { $regex: 'a' }, text: { $regex: 'a' } },
];

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
  ...regexFilters,
];

const dirs: string[] = [];
const databases: EmbeddedDatabase[] = [];
const connections: Connection[] = [];
let patched: mongo.Collection;
let plain: mongo.Collection;
let patchedConnection: Connection;

async function open(extraArgs: string[]): Promise<{ collection: mongo.Collection; connection: Connection }> {
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
  return { collection, connection };
}

beforeAll(async () => {
  const [ours, reference] = await Promise.all([open([]), open(['--test-disable-pushdown'])]);
  [patched, plain, patchedConnection] = [ours.collection, reference.collection, ours.connection];
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
    for (const filter of regexFilters) {
      const label = JSON.stringify(filter);
      expect(await patched.countDocuments(filter), label).toBe(await plain.countDocuments(filter));
      const pipeline = [{ $match: filter }, { $group: { _id: '$tenantId', n: { $sum: 1 } } }, { $sort: { n: 1, _id: 1 } }];
      expect(await patched.aggregate(pipeline).toArray(), label).toEqual(await plain.aggregate(pipeline).toArray());
    }
    for (const filter of [{ text: { $regex: 'warranty' } }, { tenantId: 'b', text: { $regex: 'a\\.b' } }]) {
      const update = { $set: { found: JSON.stringify(filter) } };
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

describe("the prefilter's plan", () => {
  it("walks only the listed tenant's entries of its (tenantId, lastDay) index for the admin list's windows", async () => {
    // With "equal or array" on lastDay in the tenantId-is-an-array case, SQLite served that case from the index on
    // lastDay alone, reading every tenant's conversations of the listed days (nearly all of a search's time, `p8`).
    const { Conversation } = await createModels(patchedConnection);
    const day = (i: number) => new Date(Date.UTC(2026, 5, 15) - i * 86_400_000).toISOString().slice(0, 10);
    for (const days of [1, 2, 16, 128]) {
      for (const extra of [{}, { searchText: { $regex: 'warranty' } }]) {
        const filter = { tenantId: 't', lastDay: { $in: Array.from({ length: days }, (_, i) => day(i)) }, ...extra };
        const explained = (await Conversation.collection.find(filter).explain()) as Document;
        const plan = (explained.queryPlanner as { Plan: string[] }).Plan.map((line) => line.replace(/^.*detail=/, ''));
        const walks = plan.filter((line) => /^(SCAN|SEARCH)/.test(line));
        expect(explained.filterPushdown, JSON.stringify(filter)).toBe(true);
        expect(walks.length, plan.join('\n')).toBeGreaterThan(0);
        for (const walk of walks) expect(walk, plan.join('\n')).toMatch(/^SEARCH \S+ USING INDEX \S+_tenantId_1_/);
      }
    }
  });
});
