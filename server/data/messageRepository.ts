import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { MessageStatus, Rating } from '../../contract/common.js';
import type { Models } from '../db/models/index.js';
import type { MessageDoc, MessageImage, StoredCitation } from '../db/models/message.js';
import type { StreamDoc } from '../db/models/stream.js';
import type { StoredImage } from '../images/ImageStorage.js';
import { countPerPeriod, inReads } from './countPerPeriod.js';
import { afterDescending, type CursorPosition, oid, toPage, utcDay, utcSlot } from './cursor.js';
import { forgetDailyCounts, type Ratings, ratingsChanged } from './dailyCountRepository.js';
import { groupCommit } from './groupCommit.js';
import { backfillSlot } from './slotBackfill.js';
import { isDuplicateKey } from './writeErrors.js';

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
  /**
   * The sender. A new send inserts its entry before it has checked that the conversation is the sender's (its window,
   * read under the lock, says): readers ignore an entry whose tenant, site or visitor is not its conversation's
   * (`ownersEntry`). Absent on entries from before it, which were inserted after the check.
   */
  visitorId?: string;
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

type OptionalField = 'author' | 'images' | 'errorCode' | 'model' | 'usage' | 'citations' | 'retrievalScore';

/**
 * A message's optional fields as stored, only those it has (in the messages collection, a conversation's window and an
 * in-flight question alike). A missing one reads as empty (`toMessage`), as the nulls written before did, and each one
 * left out is JSON the embedded database does not decode and write again: a send rewrites its window of 51 messages,
 * and a full window of bench-sized messages cost 2.5 ms of the database's CPU per write against 3.8 ms with every
 * field (`npm run bench:window`). No query or index reads these fields (`clientMessageId`, `grounded` and `feedback`
 * are kept as they are).
 */
export const storedOptionalFields = (m: Pick<MessageRecord, OptionalField>): Partial<Pick<MessageDoc, OptionalField>> => ({
  ...(m.author ? { author: { id: m.author.id, name: m.author.name } } : {}),
  ...(m.images.length
    ? {
        images: m.images.map((i) => ({
          _id: oid(i.id),
          storage: i.storage,
          key: i.key,
          url: i.url,
          mimeType: i.mimeType,
          width: i.width,
          height: i.height,
        })),
      }
    : {}),
  ...(m.errorCode ? { errorCode: m.errorCode } : {}),
  ...(m.model ? { model: m.model } : {}),
  ...(m.usage ? { usage: { inputTokens: m.usage.inputTokens, outputTokens: m.usage.outputTokens } } : {}),
  ...(m.citations.length
    ? { citations: m.citations.map(({ sourceId, title, url, page, snippet }) => ({ sourceId, title, url, page, snippet })) }
    : {}),
  ...(typeof m.retrievalScore === 'number' ? { retrievalScore: m.retrievalScore } : {}),
});

const toDoc = (message: NewMessage) => {
  const { id, author, images, errorCode, model, usage, citations, retrievalScore, ...fields } = message;
  return {
    ...fields,
    _id: oid(id),
    siteId: oid(message.siteId),
    conversationId: oid(message.conversationId),
    ...storedOptionalFields(message),
    day: utcDay(message.createdAt),
    slot: utcSlot(message.createdAt),
    updatedAt: message.createdAt,
  };
};

const toStream = (doc: StreamDoc): StreamRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  conversationId: String(doc.conversationId),
  ...(doc.visitorId ? { visitorId: String(doc.visitorId) } : {}),
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
    ...(stream.visitorId ? { visitorId: oid(stream.visitorId) } : {}),
    ...(question ? { question: toDoc(question) } : {}),
    ...(retry ? { retry: true } : {}),
  };
}

const SLOT_MS = 600_000;
/**
 * The slots a page back reads at a time before it reads the whole conversation (124 slots: the 20 hours before the
 * cursor). Fifty messages of a live chat (a question and an answer a minute) span 25 minutes: the first read, the
 * cursor's slot and the three before it, holds them; every read costs a round trip, every message read its decoding.
 */
const SLOT_WINDOWS = [4, 8, 16, 32, 64];

export function messageRepository({ Message, Stream, DailyCount }: Models) {
  return {
    /** Gives `slot` to the tenant's messages stored before it (`backfillSlot`); the days of those it changed. */
    backfillSlot: (tenantId: string, signal?: AbortSignal) => backfillSlot(Message, tenantId, signal),
    /** Inserts; `null` when a message with its `_id` is stored already. Concurrent inserts go out together (`groupCommit`). */
    async insert(message: NewMessage): Promise<MessageRecord | null> {
      if (!(await groupCommit(Message).insert(toDoc(message)))) return null;
      return { ...message, feedback: null, updatedAt: message.createdAt };
    },
    async findById(id: string): Promise<MessageRecord | null> {
      if (!Types.ObjectId.isValid(id)) return null;
      const doc = await Message.findById(oid(id)).lean<MessageDoc>();
      return doc ? toMessage(doc) : null;
    },
    /**
     * The latest `limit` messages before the cursor; returned oldest first. A page back reads the cursor's ten minutes
     * and the 3 before them, then the 8, 16 … 64 slots before those (equality on the stored `slot`: the embedded
     * database decodes only those messages, not the whole conversation), and the whole conversation only when they
     * hold too few.
     */
    async listForConversation(tenantId: string, conversationId: string, limit: number, before?: CursorPosition) {
      const read = (slots?: string[]) =>
        Message.find({
          tenantId,
          conversationId: oid(conversationId),
          ...(slots ? { slot: { $in: slots } } : {}),
          ...afterDescending('createdAt', before),
        })
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit + 1)
          .lean<MessageDoc[]>();
      let docs: MessageDoc[] | null = null;
      if (before) {
        const found: MessageDoc[] = [];
        let at = before.at.getTime();
        for (const size of SLOT_WINDOWS) {
          const slots = Array.from({ length: size }, (_, i) => utcSlot(new Date(at - i * SLOT_MS)));
          at -= size * SLOT_MS;
          found.push(...(await read(slots)));
          if (found.length > limit) {
            docs = found.slice(0, limit + 1);
            break;
          }
        }
      }
      docs ??= await read();
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
    /**
     * Replaces a final answer (retry of an answer that failed or stopped). The answer moves to the slot of its new
     * `createdAt` and loses its rating: the kept counts of the day it leaves are forgotten.
     */
    async replaceAnswer(message: NewMessage): Promise<void> {
      const doc = toDoc(message);
      const before = await Message.findById(doc._id)
        .select({ _id: 0, day: 1, slot: 1, feedback: 1 })
        .lean<Pick<MessageDoc, 'day' | 'slot' | 'feedback'>>();
      await Message.collection.replaceOne({ _id: doc._id }, doc);
      if (before && (before.slot !== doc.slot || before.feedback))
        await forgetDailyCounts(DailyCount, message.tenantId, [before.day]);
    },
    /** Rates an answer; the stats' kept ratings of its day are stamped stale when it was stored before today. */
    async setFeedback(
      message: Pick<MessageRecord, 'id' | 'tenantId' | 'siteId' | 'createdAt'>,
      feedback: Rating | null,
      now: Date,
    ) {
      await Message.updateOne({ _id: oid(message.id) }, { $set: { feedback, updatedAt: now } }, { timestamps: false });
      const day = utcDay(message.createdAt);
      if (day < utcDay(now)) await ratingsChanged(DailyCount, message.tenantId, message.siteId, day);
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
    /** What the stats count, per listed day, hour or ten minutes (see `countPerPeriod`). */
    async countPerPeriod(tenantId: string, periods: string[], siteId?: string) {
      return countPerPeriod(Message, tenantId, periods, siteId);
    },
    /**
     * The ratings of the answers stored on these days, or from a day (if given) to before another, per day. Counted one
     * rating at a time (`feedback` equal, with `tenantId` the prefix of its index): the embedded database reads only
     * the rated answers; listed days are read 200 at a time.
     */
    async ratingsPerDay(
      tenantId: string,
      stored: { on: string[] } | { from?: string; before: string },
      siteId?: string,
    ): Promise<Map<string, Ratings>> {
      const perDay = new Map<string, Ratings>();
      const days =
        'on' in stored
          ? inReads(stored.on).map((some) => ({ $in: some }))
          : [{ ...(stored.from ? { $gte: stored.from } : {}), $lt: stored.before }];
      const count = async (feedback: Rating, day: Record<string, unknown>) => {
        const match = { tenantId, feedback, day, ...(siteId ? { siteId: oid(siteId) } : {}) };
        const rows = (await Message.aggregate([{ $match: match }, { $group: { _id: '$day', n: { $sum: 1 } } }])) as {
          _id: string;
          n: number;
        }[];
        for (const row of rows) {
          const ratings = perDay.get(row._id) ?? { up: 0, down: 0 };
          ratings[feedback] += row.n;
          perDay.set(row._id, ratings);
        }
      };
      await Promise.all(days.flatMap((day) => [count('up', day), count('down', day)]));
      return perDay;
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
    /**
     * Extends the leases of the entries `owner` holds, in one command (this instance's renewals, `leaseRenewals`);
     * returns the ids it no longer holds (ended or recovered), read only when fewer matched than were given.
     */
    async renewStreams(ids: string[], owner: string, leaseUntil: Date): Promise<string[]> {
      const _id = { $in: ids.map(oid) };
      const result = await Stream.collection.updateMany({ _id, owner }, { $set: { leaseUntil } });
      if (result.matchedCount === ids.length) return [];
      const held = new Set(
        (await Stream.collection.find({ _id, owner }, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)),
      );
      return ids.filter((id) => !held.has(id));
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
