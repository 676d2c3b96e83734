import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { MessageStatus, Rating } from '../../contract/common.js';
import type { Models } from '../db/models/index.js';
import type { MessageDoc, MessageImage, StoredCitation } from '../db/models/message.js';
import type { StreamDoc } from '../db/models/stream.js';
import type { StoredImage } from '../images/ImageStorage.js';
import { countPerDay } from './countPerDay.js';
import { afterDescending, type CursorPosition, oid, toPage, utcDay } from './cursor.js';
import { forgetDailyCounts } from './dailyCountRepository.js';
import { groupCommit } from './groupCommit.js';

/** What a message keeps of an attached image: where its bytes are, and what its views show. */
export interface AttachedImage extends Pick<StoredImage, 'storage' | 'key' | 'url'> {
  id: string;
  mimeType: string;
  width: number;
  height: number;
}

export interface MessageRecord {
  id: string;
  tenantId: string;
  siteId: string;
  conversationId: string;
  role: 'user' | 'assistant' | 'agent';
  /** The agent who wrote an `agent` message; null on the others. */
  author?: { id: string; name: string } | null;
  text: string;
  images: AttachedImage[];
  status: MessageStatus;
  errorCode: string | null;
  clientMessageId: string | null;
  model: string | null;
  usage: { inputTokens: number; outputTokens: number } | null;
  feedback: Rating | null;
  /** The passages an answer cites, in the order of its markers. */
  citations: StoredCitation[];
  grounded: boolean;
  /** The best passage's retrieval score (0..1); null when nothing was retrieved. */
  retrievalScore: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewMessage = Omit<MessageRecord, 'feedback' | 'updatedAt'>;

/** What a message that is not an answer from the site's knowledge (a question, an interrupted answer) carries. */
export const NO_CITATIONS: Readonly<Pick<MessageRecord, 'citations' | 'grounded' | 'retrievalScore'>> = Object.freeze({
  citations: [],
  grounded: false,
  retrievalScore: null,
});

/** An answer being streamed right now (see the Stream model); its id is the answer's message id. */
export interface StreamRecord {
  id: string;
  tenantId: string;
  siteId: string;
  conversationId: string;
  clientMessageId: string;
  model: string | null;
  startedAt: Date;
  /** The instance streaming it. */
  owner: string;
  /** Until when the owner holds it; after that, any instance may recover it. */
  leaseUntil: Date;
  /**
   * A new send's question, stored in the collection and carried here until it joins the conversation's window with its
   * answer (one window write per send); history reads add it meanwhile. Absent for a retry (its question is there).
   */
  question?: MessageRecord | null;
  /** A retry's entry (see the Stream model): its answer was counted when first stored. */
  retry?: boolean;
}

/**
 * Message ids are derived from (conversation, clientMessageId, role), so the send path finds an
 * earlier attempt with a bare `_id` lookup (the only indexed read on the embedded database) and a
 * concurrent duplicate fails on the unique `_id`.
 */
export function messageIdFor(conversationId: string, clientMessageId: string, role: 'user' | 'assistant'): string {
  return createHash('sha256').update(`${conversationId}\0${clientMessageId}\0${role}`).digest('hex').slice(0, 24);
}

const toImage = (image: MessageImage): AttachedImage => ({
  id: String(image._id),
  storage: image.storage,
  key: image.key,
  url: image.url,
  mimeType: image.mimeType,
  width: image.width,
  height: image.height,
});

export const toMessage = (doc: Omit<MessageDoc, 'day'>): MessageRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  conversationId: String(doc.conversationId),
  role: doc.role,
  author: doc.author ? { id: doc.author.id, name: doc.author.name } : null,
  text: doc.text,
  images: (doc.images ?? []).map(toImage),
  status: doc.status,
  errorCode: doc.errorCode ?? null,
  clientMessageId: doc.clientMessageId ?? null,
  model: doc.model ?? null,
  usage: doc.usage ? { inputTokens: doc.usage.inputTokens, outputTokens: doc.usage.outputTokens } : null,
  feedback: doc.feedback ?? null,
  citations: (doc.citations ?? []).map((c) => ({
    sourceId: c.sourceId,
    title: c.title,
    url: c.url ?? null,
    page: c.page ?? null,
    snippet: c.snippet,
  })),
  grounded: doc.grounded ?? false,
  retrievalScore: doc.retrievalScore ?? null,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

const toDoc = (message: NewMessage) => ({
  ...message,
  _id: oid(message.id),
  siteId: oid(message.siteId),
  conversationId: oid(message.conversationId),
  images: message.images.map(({ id, ...rest }) => ({ _id: oid(id), ...rest })),
  day: utcDay(message.createdAt),
  updatedAt: message.createdAt,
});

const toStream = (doc: StreamDoc): StreamRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  conversationId: String(doc.conversationId),
  clientMessageId: doc.clientMessageId,
  model: doc.model ?? null,
  startedAt: doc.startedAt,
  // Entries from before leases have neither: they count as expired.
  owner: doc.owner ?? '',
  leaseUntil: doc.leaseUntil ?? new Date(0),
  question: doc.question ? toMessage(doc.question) : null,
  retry: doc.retry === true,
});

/** An in-flight entry as stored (inserted alone, or with its conversation's lock: `conversationLock.hold`). */
export function toStreamDoc(stream: StreamRecord): Record<string, unknown> {
  const { question, retry, ...entry } = stream;
  return {
    ...entry,
    _id: oid(stream.id),
    siteId: oid(stream.siteId),
    conversationId: oid(stream.conversationId),
    ...(question ? { question: toDoc(question) } : {}),
    ...(retry ? { retry: true } : {}),
  };
}

export const isDuplicateKey = (error: unknown) => (error as { code?: number })?.code === 11000;

export function messageRepository({ Message, Stream, DailyCount }: Models) {
  return {
    /** Inserts; a message with the same id already stored makes this return `null`. */
    /** `null` when its `_id` exists. Concurrent inserts go out together (`groupCommit`). */
    async insert(message: NewMessage): Promise<MessageRecord | null> {
      if (!(await groupCommit(Message).insert(toDoc(message)))) return null;
      return { ...message, feedback: null, updatedAt: message.createdAt };
    },
    async findById(id: string): Promise<MessageRecord | null> {
      if (!Types.ObjectId.isValid(id)) return null;
      const doc = await Message.findById(oid(id)).lean<MessageDoc>();
      return doc ? toMessage(doc) : null;
    },
    /** The latest `limit` messages before the cursor; returned oldest first. */
    async listForConversation(tenantId: string, conversationId: string, limit: number, before?: CursorPosition) {
      const docs = await Message.find({
        tenantId,
        conversationId: oid(conversationId),
        ...afterDescending('createdAt', before),
      })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<MessageDoc[]>();
      const page = toPage(docs.map(toMessage), limit, (m) => ({ at: m.createdAt, id: oid(m.id) }));
      return { items: page.items.reverse(), nextCursor: page.nextCursor };
    },
    /** Every message of these conversations (an export's batch), oldest first within each. */
    async listForConversations(tenantId: string, conversationIds: string[]): Promise<MessageRecord[]> {
      if (!conversationIds.length) return [];
      const docs = await Message.find({ tenantId, conversationId: { $in: conversationIds.map(oid) } })
        .sort({ createdAt: 1, _id: 1 })
        .lean<MessageDoc[]>();
      return docs.map(toMessage);
    },
    /** Replaces a final answer (retry of an answer that failed or stopped). */
    async replaceAnswer(message: NewMessage): Promise<void> {
      await Message.collection.replaceOne({ _id: oid(message.id) }, toDoc(message));
    },
    async setFeedback(id: string, feedback: Rating | null, now: Date): Promise<void> {
      await Message.updateOne({ _id: oid(id) }, { $set: { feedback, updatedAt: now } }, { timestamps: false });
    },
    async countRatings(tenantId: string, conversationId: string): Promise<{ up: number; down: number }> {
      const [up, down] = await Promise.all([
        Message.countDocuments({ tenantId, conversationId: oid(conversationId), feedback: 'up' }),
        Message.countDocuments({ tenantId, conversationId: oid(conversationId), feedback: 'down' }),
      ]);
      return { up, down };
    },
    async deleteForConversation(tenantId: string, conversationId: string): Promise<number> {
      const filter = { tenantId, conversationId: oid(conversationId) };
      const days = await Message.find(filter).select({ _id: 0, day: 1 }).lean<Pick<MessageDoc, 'day'>[]>();
      const result = await Message.deleteMany(filter);
      await forgetDailyCounts(
        DailyCount,
        tenantId,
        days.map((d) => d.day),
      );
      return result.deletedCount;
    },
    /** What is left of a deleted site's messages once its conversations are gone (an answer stored late). */
    async deleteForSite(tenantId: string, siteId: string): Promise<number> {
      const result = await Message.deleteMany({ tenantId, siteId: oid(siteId) });
      if (result.deletedCount) await forgetDailyCounts(DailyCount, tenantId);
      return result.deletedCount;
    },
    async countPerDay(tenantId: string, days: string[], siteId?: string) {
      return countPerDay(Message, tenantId, days, siteId);
    },
    async ratingTotals(tenantId: string, siteId?: string): Promise<{ up: number; down: number }> {
      const match: Record<string, unknown> = { tenantId, ...(siteId ? { siteId: oid(siteId) } : {}) };
      const [up, down] = await Promise.all([
        Message.countDocuments({ ...match, feedback: 'up' }),
        Message.countDocuments({ ...match, feedback: 'down' }),
      ]);
      return { up, down };
    },

    // In-flight answers (see the Stream model): inserted when an answer starts, removed when it ends.
    async startStream(stream: StreamRecord): Promise<boolean> {
      try {
        await Stream.collection.insertOne(toStreamDoc(stream));
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async isStreaming(id: string): Promise<boolean> {
      return (await Stream.findById(oid(id)).select({ _id: 1 }).lean()) !== null;
    },
    async findStream(id: string): Promise<StreamRecord | null> {
      const doc = await Stream.findById(oid(id)).lean<StreamDoc>();
      return doc ? toStream(doc) : null;
    },
    /** Extends the lease while `owner` holds it; `false` when it does not (the entry ended or was recovered). */
    async renewStream(id: string, owner: string, leaseUntil: Date): Promise<boolean> {
      const result = await Stream.updateOne({ _id: oid(id), owner }, { $set: { leaseUntil } });
      return result.matchedCount === 1;
    },
    /** Removes the entry only if its lease expired before `now` (so a live owner's entry is never taken). */
    async endExpiredStream(id: string, now: Date): Promise<void> {
      await Stream.deleteOne({ _id: oid(id), leaseUntil: { $lt: now } });
    },
    async endStream(id: string): Promise<void> {
      await groupCommit(Stream).delete([{ _id: oid(id) }]);
    },
    async streamingForConversation(tenantId: string, conversationId: string): Promise<StreamRecord[]> {
      return (await Stream.find({ tenantId, conversationId: oid(conversationId) }).lean<StreamDoc[]>()).map(toStream);
    },
    async endStreamsForConversation(tenantId: string, conversationId: string): Promise<void> {
      await Stream.deleteMany({ tenantId, conversationId: oid(conversationId) });
    },
    /** Every in-flight entry (a few at any time); the caller picks the expired ones. The conversations' locks beside them have no `conversationId`. */
    async allStreams(): Promise<StreamRecord[]> {
      const docs = await Stream.find({}).lean<Partial<StreamDoc>[]>();
      return docs.filter((doc): doc is StreamDoc => Boolean(doc.conversationId)).map(toStream);
    },
  };
}
export type MessageRepository = ReturnType<typeof messageRepository>;
