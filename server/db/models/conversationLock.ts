import { Schema, type Types } from 'mongoose';

/**
 * The lock on one conversation's window and counters, under the conversation's `_id`: whoever inserts it holds it
 * (the unique `_id` decides between instances, atomically on both databases), renews `until` while it works and
 * deletes it when done. One whose `until` passed was left by a holder that died or failed mid-write: the next one
 * takes it over and distrusts the window. Stored in the `streams` collection beside the in-flight answers (their
 * documents have a `conversationId`, a lock has none), so a send inserts its entry with the lock, and removes both, in
 * one command each.
 */
export interface ConversationLockDoc {
  _id: Types.ObjectId;
  /** The holder's token (its instance and a random part, one per acquisition). */
  holder: string;
  until: Date;
}

export const conversationLockSchema = new Schema<ConversationLockDoc>(
  {
    holder: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);
