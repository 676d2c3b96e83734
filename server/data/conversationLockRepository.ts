import type { ConversationLockDoc } from '../db/models/conversationLock.js';
import type { Models } from '../db/models/index.js';
import { oid } from './cursor.js';
import { isDuplicateKey } from './messageRepository.js';

/** A conversation lock as stored (see the ConversationLock model). */
export interface LockRecord {
  holder: string;
  until: Date;
}

/** Conversation locks, every operation by `_id` (answered from the index on both databases). */
export function conversationLockRepository({ ConversationLock }: Models) {
  return {
    /** Takes the lock if nobody holds it: the insert of its `_id` succeeds for exactly one caller. */
    async tryAcquire(conversationId: string, holder: string, until: Date): Promise<boolean> {
      try {
        await ConversationLock.collection.insertOne({ _id: oid(conversationId), holder, until });
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
    /** Removes the lock whoever holds it: the conversation is being erased. */
    async remove(conversationId: string): Promise<void> {
      await ConversationLock.deleteOne({ _id: oid(conversationId) });
    },
    /** Removes the lock if `holder` still holds it (a taken-over lock is someone else's now). */
    async release(conversationId: string, holder: string): Promise<void> {
      await ConversationLock.deleteOne({ _id: oid(conversationId), holder });
    },
  };
}
export type ConversationLockRepository = ReturnType<typeof conversationLockRepository>;
