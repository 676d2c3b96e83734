/** A write refused because a unique index (`_id` or another) already holds its key. */
export const isDuplicateKey = (error: unknown) => (error as { code?: number })?.code === 11000;

/**
 * Runs an upsert keyed by a unique field, once more if a concurrent upsert inserted the same key first. Two upserts of a
 * missing document can both decide to insert; one of them fails on the unique index. MongoDB 4.2+ retries that itself
 * when the filter is an equality on the index's fields; FerretDB does not, so the retry here (which then matches the
 * inserted document and updates it) makes both behave alike.
 */
export async function upsertOnce<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return write();
  }
}
