import type { ConversationLockDoc } from '../db/models/conversationLock.js';
import type { Models } from '../db/models/index.js';
import { oid } from './cursor.js';
import { groupCommit } from './groupCommit.js';
import { isDuplicateKey } from './writeErrors.js';

/** A conversation lock as stored (see the ConversationLock model). */
export interface LockRecord {
  holder: string;
  until: Date;
}

/** What inserting the lock with a companion document did. */
export type AcquiredWith = 'acquired' | 'busy' | 'companion-exists';

/**
 * Conversation locks, every operation by `_id` (answered from the index on both databases). They live in the streams
 * collection, so an in-flight answer's entry and its conversation's lock are inserted, and removed, in one command.
 */
export function conversationLockRepository({ ConversationLock }: Models) {
  const lockDoc = (conversationId: string, holder: string, until: Date) => ({ _id: oid(conversationId), holder, until });
  return {
    /** Takes the lock if nobody holds it: the insert of its `_id` succeeds for exactly one caller. */
    async tryAcquire(conversationId: string, holder: string, until: Date): Promise<boolean> {
      try {
        await ConversationLock.collection.insertOne(lockDoc(conversationId, holder, until));
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    /**
     * Inserts `companion` then the lock, in order, in one command: a companion whose `_id` exists stops it before the
     * lock; a held lock leaves the companion inserted (`busy`).
     */
    async tryAcquireWith(
      conversationId: string,
      holder: string,
      until: Date,
      companion: Record<string, unknown>,
    ): Promise<AcquiredWith> {
      try {
        await ConversationLock.collection.insertMany([companion, lockDoc(conversationId, holder, until)], { ordered: true });
        return 'acquired';
      } catch (error) {
        // A driver error (the database unreachable) comes wrapped in the bulk write error: the original tells what it is.
        const original = (error as { errorResponse?: unknown }).errorResponse;
        if (original instanceof Error) throw original;
        if (!isDuplicateKey(error)) throw error;
        // The driver's bulk write error: the failed document's position (one error, or the first of several).
        const failed = (error as { writeErrors?: { index: number } | { index: number }[] }).writeErrors;
        const first = Array.isArray(failed) ? failed[0] : failed;
        return first?.index === 1 ? 'busy' : 'companion-exists';
      }
    },
    /** Inserts a companion alone (its lock is taken later); `false` when its `_id` exists. */
    async insertCompanion(companion: Record<string, unknown>): Promise<boolean> {
      try {
        await ConversationLock.collection.insertOne(companion);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async find(conversationId: string): Promise<LockRecord | null> {
      const doc = await ConversationLock.findById(oid(conversationId)).lean<ConversationLockDoc>();
      return doc ? { holder: doc.holder, until: doc.until } : null;
    },
    async renew(conversationId: string, holder: string, until: Date): Promise<boolean> {
      const result = await ConversationLock.updateOne({ _id: oid(conversationId), holder }, { $set: { until } });
      return result.matchedCount === 1;
    },
    /**
     * `renew` of many locks in one command (this instance's renewals, `leaseRenewals`): each lock only while its holder
     * still holds it, as `{_id, holder}` names it.
     */
    async renewMany(held: { conversationId: string; holder: string }[], until: Date): Promise<void> {
      const matches = held.map((h) => ({ _id: oid(h.conversationId), holder: h.holder }));
      await ConversationLock.collection.updateMany(
        { _id: { $in: matches.map((m) => m._id) }, $or: matches },
        { $set: { until } },
      );
    },
    /** Removes the lock whoever holds it: the conversation is being erased. */
    async remove(conversationId: string): Promise<void> {
      await ConversationLock.deleteOne({ _id: oid(conversationId) });
    },
    /** Removes the lock if `holder` still holds it (a taken-over lock is someone else's now). */
    async release(conversationId: string, holder: string): Promise<void> {
      await ConversationLock.deleteOne({ _id: oid(conversationId), holder });
    },
    /** `release`, and the companion `companionId` with it, in one command. */
    async releaseWith(conversationId: string, holder: string, companionId: string): Promise<void> {
      // Merged with other sends' releases (`groupCommit`): each match names its document (a holder is one hold's).
      await groupCommit(ConversationLock).delete([{ _id: oid(companionId) }, { _id: oid(conversationId), holder }]);
    },
  };
}
export type ConversationLockRepository = ReturnType<typeof conversationLockRepository>;
