import type { Model, Types } from 'mongoose';
import { inReads } from './countPerPeriod.js';
import { utcDay, utcSlot } from './cursor.js';

/** Documents read from the database per batch of updates. */
const BATCH = 1000;

/**
 * Gives `slot` (`utcSlot(createdAt)`) to a tenant's documents stored before it existed; returns the UTC days of those
 * it changed. One pass over the tenant's documents without a slot (`{tenantId, slot: null}`: the `(tenantId, slot)`
 * index on MongoDB), a batch of 1,000 at a time, written as one `updateMany` by `_id` per slot (at most 200 ids: the
 * embedded database pushes them down), never as a multi-statement update (FerretDB v1 keeps each statement's read
 * open until the whole update ends). Idempotent: a run stopped at any point (`signal`) is resumed by running it again.
 */
export async function backfillSlot(
  // biome-ignore lint/suspicious/noExplicitAny: shared by the messages, conversations and images models
  model: Model<any>,
  tenantId: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const legacy = model
    .find({ tenantId, slot: null })
    .select({ createdAt: 1 })
    .lean<{ _id: Types.ObjectId; createdAt: Date }[]>()
    .cursor({ batchSize: BATCH });
  const days = new Set<string>();
  let batch: { _id: Types.ObjectId; createdAt: Date }[] = [];
  const write = async () => {
    const bySlot = new Map<string, Types.ObjectId[]>();
    for (const doc of batch) {
      const slot = utcSlot(doc.createdAt);
      const ids = bySlot.get(slot) ?? [];
      ids.push(doc._id);
      bySlot.set(slot, ids);
      days.add(utcDay(doc.createdAt));
    }
    batch = [];
    for (const [slot, ids] of bySlot)
      for (const some of inReads(ids)) {
        if (signal?.aborted) return;
        await model.updateMany({ _id: { $in: some } }, { $set: { slot } });
      }
  };
  try {
    for await (const doc of legacy) {
      if (signal?.aborted) break;
      batch.push(doc as { _id: Types.ObjectId; createdAt: Date });
      if (batch.length === BATCH) await write();
    }
    if (!signal?.aborted) await write();
  } finally {
    await legacy.close();
  }
  return [...days];
}
