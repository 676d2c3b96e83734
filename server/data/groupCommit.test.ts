import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCommands, recordCommands } from '../db/commandMonitor.js';
import { createModels } from '../db/models/index.js';
import { openTestDatabase } from '../test/database.js';
import { groupCommit } from './groupCommit.js';

// The batcher on the real database: concurrent writes go out as one command, and each caller gets its own outcome.
const connection = await openTestDatabase(import.meta.url, { monitorCommands: true });
const { Stream } = await createModels(connection);
afterAll(() => connection.close());

const ids = (n: number) => Array.from({ length: n }, () => new Types.ObjectId());
const entry = (_id: Types.ObjectId, more: Record<string, unknown> = {}) => ({ _id, tenantId: 't', ...more });

describe('group commit', () => {
  it('inserts concurrent documents in one command; a duplicate fails only its own caller', async () => {
    const [taken, ...fresh] = ids(6) as [Types.ObjectId, ...Types.ObjectId[]];
    await Stream.collection.insertOne(entry(taken));
    const batch = groupCommit(Stream);
    let results: boolean[] = [];
    const commands = await recordCommands(connection, async () => {
      results = await Promise.all([taken, ...fresh].map((id) => batch.insert(entry(id))));
    });
    expect(describeCommands(commands)).toBe('insert streams');
    expect(results).toEqual([false, true, true, true, true, true]);
    expect(await Stream.collection.countDocuments({ _id: { $in: fresh } })).toBe(5);
  });

  it('a document the database refuses for another reason fails its caller alone', async () => {
    const [good, bad] = ids(2) as [Types.ObjectId, Types.ObjectId];
    const batch = groupCommit(Stream);
    // A field name starting with `$` is refused by the database itself (not by the driver): a write error of that document.
    const outcomes = await Promise.allSettled([batch.insert(entry(good)), batch.insert(entry(bad, { $bad: 1 }))]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: true });
    expect(outcomes[1]?.status).toBe('rejected');
    expect(await Stream.collection.countDocuments({ _id: { $in: [good, bad] } })).toBe(1);
  });

  it('deletes concurrent matches in one command, each only while its own condition holds', async () => {
    const [a, b, lockA, lockB] = ids(4) as [Types.ObjectId, Types.ObjectId, Types.ObjectId, Types.ObjectId];
    await Stream.collection.insertMany([
      entry(a),
      entry(b),
      { _id: lockA, holder: 'i1:a' },
      // Taken over by another holder meanwhile: its old holder's release must leave it.
      { _id: lockB, holder: 'i2:x' },
    ]);
    const batch = groupCommit(Stream);
    const commands = await recordCommands(connection, async () => {
      await Promise.all([
        batch.delete([{ _id: a }, { _id: lockA, holder: 'i1:a' }]),
        batch.delete([{ _id: b }, { _id: lockB, holder: 'i1:b' }]),
      ]);
    });
    expect(describeCommands(commands)).toBe('delete streams');
    const left = await Stream.collection.find({ _id: { $in: [a, b, lockA, lockB] } }).toArray();
    expect(left.map((d) => String(d._id))).toEqual([String(lockB)]);
  });

  it('a batch that fails as a whole fails each of its callers', async () => {
    const other = await openTestDatabase(import.meta.url, { keep: true });
    const models = await createModels(other);
    await other.close();
    const batch = groupCommit(models.Stream);
    const outcomes = await Promise.allSettled(ids(3).map((id) => batch.insert(entry(id))));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
