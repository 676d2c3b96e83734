import type { Models } from '../db/models/index.js';
import type { MessageDoc } from '../db/models/message.js';
import { oid } from './cursor.js';
import { messageIdFor } from './messageRepository.js';

/** An answer that did not come from the site's knowledge, or that its visitor rated down. */
export interface UnansweredAnswer {
  id: string;
  conversationId: string;
  /** The id of the question it answers (derived, as the send path derives it). */
  questionId: string;
  text: string;
  grounded: boolean;
  thumbsDown: boolean;
  createdAt: Date;
}

export interface AskedQuestion {
  text: string;
  createdAt: Date;
}

/** The reads and the one write of the unanswered questions (answers are messages; dismissing marks them). */
export function unansweredRepository({ Message }: Models) {
  return {
    /** A site's newest complete answers since `since` that were not grounded or were rated down, not dismissed. */
    async listAnswers(tenantId: string, siteId: string, since: Date, limit: number): Promise<UnansweredAnswer[]> {
      const docs = await Message.find({
        tenantId,
        siteId: oid(siteId),
        role: 'assistant',
        status: 'complete',
        dismissedAt: null,
        createdAt: { $gte: since },
        $or: [{ grounded: false }, { feedback: 'down' }],
      })
        .select({ conversationId: 1, clientMessageId: 1, text: 1, grounded: 1, feedback: 1, createdAt: 1 })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<
          Pick<MessageDoc, '_id' | 'conversationId' | 'clientMessageId' | 'text' | 'grounded' | 'feedback' | 'createdAt'>[]
        >();
      return docs.flatMap((doc) =>
        doc.clientMessageId
          ? [
              {
                id: String(doc._id),
                conversationId: String(doc.conversationId),
                questionId: messageIdFor(String(doc.conversationId), doc.clientMessageId, 'user'),
                text: doc.text,
                grounded: doc.grounded ?? false,
                thumbsDown: doc.feedback === 'down',
                createdAt: doc.createdAt,
              },
            ]
          : [],
      );
    },
    /** The visitors' questions by id (those of the tenant only). */
    async questions(tenantId: string, ids: string[]): Promise<Map<string, AskedQuestion>> {
      if (!ids.length) return new Map();
      const docs = await Message.find({ _id: { $in: ids.map(oid) }, tenantId })
        .select({ text: 1, createdAt: 1 })
        .lean<Pick<MessageDoc, '_id' | 'text' | 'createdAt'>[]>();
      return new Map(docs.map((doc) => [String(doc._id), { text: doc.text, createdAt: doc.createdAt }]));
    },
    /** Marks these answers of the site dismissed; returns how many were not already. */
    async dismiss(tenantId: string, siteId: string, answerIds: string[], now: Date): Promise<number> {
      const result = await Message.updateMany(
        { _id: { $in: answerIds.map(oid) }, tenantId, siteId: oid(siteId), role: 'assistant', dismissedAt: null },
        { $set: { dismissedAt: now } },
        { timestamps: false },
      );
      return result.modifiedCount;
    },
  };
}
export type UnansweredRepository = ReturnType<typeof unansweredRepository>;
