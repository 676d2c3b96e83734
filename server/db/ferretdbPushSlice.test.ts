import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection, mongo } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';
import { ensureFerretdbBinary } from './ferretdbBinary.js';

/**
 * The `p12` `$push` (`ferretdb-patches/push_slice_chatwidget.go`) through the driver: `$each` with `$slice` gives the
 * results MongoDB's manual documents (https://www.mongodb.com/docs/manual/reference/operator/update/slice/), its
 * errors MongoDB's code and text. The Go test beside the patch covers more values; this checks the update command.
 */

type Doc = { _id: number; scores?: unknown[]; stale?: boolean };

let db: EmbeddedDatabase;
let dataDir: string;
let connection: Connection;
let collection: mongo.Collection<Doc>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ferretdb-push-'));
  db = await startEmbeddedDatabase({ binary: ensureFerretdbBinary(), dataDir });
  connection = await mongoose.createConnection(db.uri('push')).asPromise();
  collection = connection.collection<Doc>('docs') as unknown as mongo.Collection<Doc>;
});

afterAll(async () => {
  await connection?.close();
  await db?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let nextId = 0;
/** Stores `{_id, ...fields}`, applies `update`, and returns the document after it. */
async function updated(fields: Omit<Doc, '_id'>, update: mongo.UpdateFilter<Doc>) {
  const _id = ++nextId;
  await collection.insertOne({ _id, ...fields });
  await collection.updateOne({ _id }, update);
  return collection.findOne({ _id });
}

const push = (each: unknown[], clauses: Record<string, unknown>) =>
  ({ $push: { scores: { $each: each, ...clauses } } }) as mongo.UpdateFilter<Doc>;

describe('$push with $each and $slice on our FerretDB build', () => {
  it("keeps what MongoDB's manual shows", async () => {
    // "Slice from the End of the Array"
    expect(await updated({ scores: [40, 50, 60] }, push([80, 78, 86], { $slice: -5 }))).toEqual({
      _id: nextId,
      scores: [50, 60, 80, 78, 86],
    });
    // "Slice from the Front of the Array"
    expect((await updated({ scores: [89, 90] }, push([100, 20], { $slice: 3 })))?.scores).toEqual([89, 90, 100]);
    // "Update Array Using Slice Only"
    expect((await updated({ scores: [89, 70, 100, 20] }, push([], { $slice: -3 })))?.scores).toEqual([70, 100, 20]);
    // "To update the array field to an empty array, specify 0 for $slice."
    expect((await updated({ scores: [1, 2] }, push([3], { $slice: 0 })))?.scores).toEqual([]);
    // Fewer than the slice: all kept; a missing field is created and sliced.
    expect((await updated({ scores: [1] }, push([2, 3], { $slice: -51 })))?.scores).toEqual([1, 2, 3]);
    expect((await updated({}, push([1, 2, 3], { $slice: -2 })))?.scores).toEqual([2, 3]);
    // A double holding an integer is an integer (the shell sends numbers as doubles).
    expect((await updated({ scores: [1, 2] }, push([3], { $slice: new mongo.Double(-2) })))?.scores).toEqual([2, 3]);
  });

  it('slices documents, with a $set in the same update, as a window write does', async () => {
    const message = (n: number) => ({ _id: new mongo.ObjectId(), n, text: `message ${n}`, images: [] });
    const messages = [1, 2, 3, 4].map(message);
    const update = {
      $push: { scores: { $each: messages.slice(2), $slice: -3 } },
      $set: { stale: false },
    } as mongo.UpdateFilter<Doc>;
    expect(await updated({ scores: messages.slice(0, 2), stale: true }, update)).toEqual({
      _id: nextId,
      scores: messages.slice(1),
      stale: false,
    });
  });

  it('refuses what MongoDB refuses, with its code and text, and changes nothing', async () => {
    const refused = async (clauses: Record<string, unknown>, each: unknown = [2]) => {
      const _id = ++nextId;
      await collection.insertOne({ _id, scores: [1] });
      const error = await collection
        .updateOne({ _id }, { $push: { scores: { $each: each, ...clauses } } } as mongo.UpdateFilter<Doc>)
        .then(
          () => null,
          (e: mongo.MongoServerError) => e,
        );
      expect(await collection.findOne({ _id })).toEqual({ _id, scores: [1] });
      return error && { code: error.code, message: error.message };
    };
    const notAnInteger = (type: string) => ({
      code: 2,
      message: `The value for $slice must be an integer value but was given type: ${type}`,
    });
    expect(await refused({ $slice: 1.5 })).toEqual(notAnInteger('double'));
    expect(await refused({ $slice: '-1' })).toEqual(notAnInteger('string'));
    expect(await refused({ $slice: true })).toEqual(notAnInteger('bool'));
    expect(await refused({ $slice: 1, $unknown: 1 })).toEqual({ code: 2, message: 'Unrecognized clause in $push: $unknown' });
    expect(await refused({ $slice: 1 }, 'x')).toEqual({
      code: 2,
      message: 'The argument to $each in $push must be an array but it was of type: string',
    });
    // MongoDB sorts and positions; FerretDB ignored both, our build refuses them rather than ignore them.
    expect(await refused({ $sort: 1 })).toEqual({ code: 238, message: '$sort in $push is not implemented' });
    expect(await refused({ $position: 0 })).toEqual({ code: 238, message: '$position in $push is not implemented' });
  });
});
