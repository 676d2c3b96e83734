import type { Model, mongo } from 'mongoose';
import { isDuplicateKey } from './writeErrors.js';

type Document = mongo.Document;

/**
 * Group commit for the send path's final writes (issue 18, measured by `npm run bench:batch`): on the embedded database
 * one `insertMany` of N documents and one delete of N `_id`s cost a fraction of N single commands (each single write
 * is its own SQLite transaction and its own round trip). Updates are never merged: FerretDB v1 keeps each statement's
 * query open until a multi-statement `update` command ends (`defer` in a loop), so a batch of N holds N + 1 of its 100
 * SQLite connections, and concurrent batches exhausted them and hung it for good (bench:server, 1,000 streams). Writes of one collection
 * and kind issued while the previous batch of that kind is in flight (or in the same tick) go out together as one
 * command; each caller awaits its own outcome. A batcher only merges writes: what is written, and every condition that
 * decides ownership (a lock's holder, a unique `_id`), is the caller's, checked by the database as for a single write,
 * so several instances stay as correct as with single writes. Per process, per collection.
 */

/** The most writes one command carries (well under the driver's and FerretDB's batch limits). */
const MAX_BATCH = 100;

interface Pending<W, R> {
  write: W;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** A queue of one kind of write, flushed by `flush` one batch at a time. */
function batcher<W, R>(flush: (batch: Pending<W, R>[]) => Promise<void>) {
  const queue: Pending<W, R>[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    try {
      while (queue.length) {
        const batch = queue.splice(0, MAX_BATCH);
        await flush(batch).catch((error: unknown) => {
          for (const p of batch) p.reject(error);
        });
      }
    } finally {
      running = false;
    }
  };
  return (write: W) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ write, resolve, reject });
      // The first write waits one tick for its companions of the same tick; later ones wait for the batch in flight.
      if (!running && queue.length === 1) setImmediate(() => void (running ? undefined : drain()));
    });
}

/** The failed documents' positions in a bulk write error (unordered: the others were written). */
function writeErrorsOf(error: unknown): Map<number, unknown> | null {
  if (!error || typeof error !== 'object') return null;
  // A driver error (the database unreachable) comes wrapped in the bulk write error: then the whole batch failed.
  if ((error as { errorResponse?: unknown }).errorResponse instanceof Error) return null;
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  if (!raw) return null;
  const list = (Array.isArray(raw) ? raw : [raw]) as { index: number; errmsg?: string; code?: number }[];
  return new Map(list.map((e) => [e.index, Object.assign(new Error(e.errmsg ?? 'write error'), { code: e.code })]));
}

/** A delete of one document by `_id`, optionally only while more of it matches (e.g. `{_id, holder}`). */
export type DeleteById = { _id: mongo.ObjectId } & Document;

export interface GroupCommit {
  /** Inserts `doc`; `false` when its `_id` exists (as `insertOne` failing with a duplicate key). */
  insert(doc: Document): Promise<boolean>;
  /**
   * Deletes the documents each matching one of `matches` (each names its `_id`), as
   * `deleteMany({_id: {$in: ids}, $or: matches})`: merged with other callers', every match still names its own document.
   */
  delete(matches: DeleteById[]): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: any model's collection
type AnyModel = Model<any>;
const batchers = new WeakMap<AnyModel, GroupCommit>();

/**
 * The group commit of a model's collection (one per process and model). Inserts and deletes go to the collection as
 * given (as the repositories' single writes do).
 */
export function groupCommit(model: AnyModel): GroupCommit {
  const known = batchers.get(model);
  if (known) return known;
  const collection = model.collection;

  const insert = batcher<Document, boolean>(async (batch) => {
    try {
      await collection.insertMany(
        batch.map((p) => p.write),
        { ordered: false },
      );
    } catch (error) {
      const failed = writeErrorsOf(error);
      if (!failed) throw error;
      batch.forEach((p, index) => {
        const own = failed.get(index);
        if (own === undefined) p.resolve(true);
        else if (isDuplicateKey(own)) p.resolve(false);
        else p.reject(own);
      });
      return;
    }
    for (const p of batch) p.resolve(true);
  });

  const remove = batcher<DeleteById[], void>(async (batch) => {
    const matches = batch.flatMap((p) => p.write);
    await collection.deleteMany({ _id: { $in: matches.map((m) => m._id) }, $or: matches });
    for (const p of batch) p.resolve();
  });

  const commit: GroupCommit = {
    insert,
    delete: remove,
  };
  batchers.set(model, commit);
  return commit;
}
