import type { mongo, Types } from 'mongoose';
import type { ConversationMode } from '../../contract/handoff.js';
import {
  type ConversationDoc,
  type ConversationWindowDoc,
  RECENT_CAPACITY,
  type StoredWindowMessage,
  type WindowConversationDoc,
} from '../db/models/conversation.js';
import type { Models } from '../db/models/index.js';
import { countPerPeriod } from './countPerPeriod.js';
import { afterDescending, type CursorPosition, oid, toPage, utcDay, utcSlot } from './cursor.js';
import { forgetDailyCounts } from './dailyCountRepository.js';
import { dayWindows, OLDEST_DAY } from './dayWindows.js';
import { type MessageRecord, storedOptionalFields, toMessage } from './messageRepository.js';
import { backfillSlot } from './slotBackfill.js';
import { type LeadRecord, toLead } from './visitorRepository.js';
import { upsertOnce } from './writeErrors.js';

export interface ConversationRecord {
  id: string;
  tenantId: string;
  siteId: string;
  visitorId: string;
  title: string;
  firstQuestion: string;
  messageCount: number;
  /** See `ConversationDoc.countedAnswers`; empty in lists. */
  countedAnswers: string[];
  hasImages: boolean;
  thumbnailImageId: string | null;
  ratingUp: number;
  ratingDown: number;
  pageUrl: string | null;
  userAgent: string | null;
  locale: string | null;
  user: { id: string; name: string | null; email: string | null } | null;
  mode: ConversationMode;
  assignee: { id: string; name: string } | null;
  waitingSince: Date | null;
  unread: number;
  email: string | null;
  /** The visitor's lead, copied when it was left (the visitor holds it). */
  lead: LeadRecord | null;
  lastMessageAt: Date;
  createdAt: Date;
}

export interface ConversationFilter {
  tenantId: string;
  siteId?: string;
  visitorId?: string;
  /** Lower-cased substring of the conversation's text. */
  search?: string;
  from?: Date;
  to?: Date;
  hasImages?: boolean;
  rating?: 'up' | 'down';
  mode?: ConversationMode;
  hasLead?: boolean;
}

/** Who answers a conversation (`domain/handoff`). */
export type HandoffState = Pick<ConversationRecord, 'mode' | 'assignee' | 'waitingSince' | 'unread' | 'email'>;

/** The part of a conversation the send path rewrites after each answer. */
export interface ConversationActivity {
  title: string;
  firstQuestion: string;
  messageCount: number;
  countedAnswers: string[];
  hasImages: boolean;
  thumbnailImageId: string | null;
  searchText: string;
  lastMessageAt: Date;
}

/** What a send needs of its conversation (its window carries a copy: `ConversationWindowDoc.conversation`). */
export type SendConversation = Pick<
  ConversationRecord,
  | 'id'
  | 'tenantId'
  | 'siteId'
  | 'visitorId'
  | 'mode'
  | 'title'
  | 'firstQuestion'
  | 'messageCount'
  | 'countedAnswers'
  | 'hasImages'
  | 'thumbnailImageId'
>;

/** A conversation with its search text, as the writes that append to both read it. */
export interface ConversationWithText<C extends SendConversation = ConversationRecord> {
  conversation: C;
  searchText: string;
}

/** The fields of a conversation its window's copy holds: a write of any of them keeps the copy current or removes it. */
const COPIED = new Set<string>([
  'mode',
  'title',
  'firstQuestion',
  'messageCount',
  'countedAnswers',
  'hasImages',
  'thumbnailImageId',
  'searchText',
]);

/** A send's read under its conversation's lock: the window (null when stale) and the conversation's copy (if kept). */
export interface SendWindow {
  /** The window's messages, as `recentMessages` reads them; `null` when the window is stale. */
  messages: MessageRecord[] | null;
  /** The conversation as its window's copy holds it; `null` when the window has none (or is stale). */
  copy: ConversationWithText<SendConversation> | null;
}

/**
 * A window to write (`setRecentMessages`): its messages, oldest first, and, when it is the stored window (as read under
 * the conversation's lock) with messages joined at its end in stored order (`windowAfter`), those, which are then pushed
 * instead of the whole window written again.
 */
export interface WindowWrite {
  messages: MessageRecord[];
  appended?: MessageRecord[];
}

/**
 * A conversation's counted answers as stored, in it and in its window's copy: one string, the ids space-separated. The
 * embedded database decodes, encodes and (for the conversation's indexes) parses a document field by field, an array
 * element by element, at every send's read and writes of both; the 20 ids a conversation keeps were most of its fields.
 */
const toCountedDoc = (ids: string[]): string => ids.join(' ');
/** The ids back from a stored string, or from the array of documents written before. */
const fromCountedDoc = (stored: string | string[] | undefined): string[] =>
  typeof stored === 'string' ? stored.split(' ').filter(Boolean) : (stored ?? []);

const toCopyDoc = ({ conversation: c, searchText }: ConversationWithText<SendConversation>): WindowConversationDoc => ({
  tenantId: c.tenantId,
  siteId: oid(c.siteId),
  visitorId: oid(c.visitorId),
  mode: c.mode,
  title: c.title,
  firstQuestion: c.firstQuestion,
  messageCount: c.messageCount,
  countedAnswers: toCountedDoc(c.countedAnswers),
  hasImages: c.hasImages,
  thumbnailImageId: c.thumbnailImageId ? oid(c.thumbnailImageId) : null,
  searchText,
});

const fromCopyDoc = (id: string, doc: WindowConversationDoc): ConversationWithText<SendConversation> => ({
  conversation: {
    id,
    tenantId: doc.tenantId,
    siteId: String(doc.siteId),
    visitorId: String(doc.visitorId),
    mode: doc.mode,
    title: doc.title,
    firstQuestion: doc.firstQuestion,
    messageCount: doc.messageCount,
    countedAnswers: fromCountedDoc(doc.countedAnswers),
    hasImages: doc.hasImages,
    thumbnailImageId: doc.thumbnailImageId ? String(doc.thumbnailImageId) : null,
  },
  searchText: doc.searchText,
});

const toConversation = (doc: ConversationDoc): ConversationRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  visitorId: String(doc.visitorId),
  title: doc.title,
  firstQuestion: doc.firstQuestion,
  messageCount: doc.messageCount,
  countedAnswers: fromCountedDoc(doc.countedAnswers),
  hasImages: doc.hasImages,
  thumbnailImageId: doc.thumbnailImageId ? String(doc.thumbnailImageId) : null,
  ratingUp: doc.ratingUp,
  ratingDown: doc.ratingDown,
  pageUrl: doc.pageUrl ?? null,
  userAgent: doc.userAgent ?? null,
  locale: doc.locale ?? null,
  user: doc.user ? { id: doc.user.id, name: doc.user.name ?? null, email: doc.user.email ?? null } : null,
  mode: doc.mode ?? 'ai',
  assignee: doc.assignee ? { id: doc.assignee.id, name: doc.assignee.name } : null,
  waitingSince: doc.waitingSince ?? null,
  unread: doc.unread ?? 0,
  email: doc.email ?? null,
  lead: toLead(doc.lead),
  lastMessageAt: doc.lastMessageAt,
  createdAt: doc.createdAt,
});

/**
 * A window message as the schema would cast it (each field of `windowMessageSchema`, nested ones spelled out, no other
 * key), less what it leaves out: the window is written through the driver, not cast by Mongoose, which cost more CPU
 * than the rest of the send's database work (51 subdocuments hydrated per write). `sendPathWrites.test.ts` compares
 * both writes. Besides the empty optional fields (`storedOptionalFields`), a window message leaves out what most
 * messages have: status `complete`, no `clientMessageId`, not grounded, updated when created (`fromWindowMessage` reads
 * them back). The embedded database decodes and encodes the whole window at every send, field by field; no query reads
 * these fields in a window.
 */
const toWindowMessage = (m: MessageRecord): StoredWindowMessage => ({
  _id: oid(m.id),
  role: m.role,
  text: m.text,
  ...(m.status === 'complete' ? {} : { status: m.status }),
  ...(m.clientMessageId === null ? {} : { clientMessageId: m.clientMessageId }),
  ...(m.feedback ? { feedback: m.feedback } : {}),
  ...(m.grounded ? { grounded: true } : {}),
  ...storedOptionalFields(m),
  createdAt: m.createdAt,
  ...(m.updatedAt.getTime() === m.createdAt.getTime() ? {} : { updatedAt: m.updatedAt }),
});

/** A stored window message as the record it was written from, in the conversation `owner` names. */
const fromWindowMessage = (
  m: StoredWindowMessage,
  owner: { tenantId: string; siteId: Types.ObjectId; conversationId: Types.ObjectId },
): MessageRecord =>
  toMessage({
    status: 'complete',
    clientMessageId: null,
    grounded: false,
    ...m,
    updatedAt: m.updatedAt ?? m.createdAt,
    ...owner,
  });

/** How much of a conversation's text the admin search looks through: its last 20,000 characters. */
const SEARCH_TEXT_LIMIT = 20_000;

/**
 * A conversation's search text with `texts` appended, a line each, lowercased as the search compares them; its oldest
 * characters dropped past the limit.
 */
export const appendSearchText = (searchText: string, ...texts: string[]): string =>
  searchText.concat(...texts.map((text) => `\n${text.toLowerCase()}`)).slice(-SEARCH_TEXT_LIMIT);

/** Lists never need the conversation's text, nor its bookkeeping of counted answers. */
const LIST_PROJECTION = { searchText: 0, countedAnswers: 0 };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every admin and visitor list; each shape has a compound index declared in the model. */
function listFilter(filter: ConversationFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.visitorId) query.visitorId = oid(filter.visitorId);
  query.tenantId = filter.tenantId;
  if (filter.siteId) query.siteId = oid(filter.siteId);
  if (filter.from || filter.to) {
    query.lastMessageAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
  }
  if (filter.hasImages !== undefined) query.hasImages = filter.hasImages;
  // Conversations from before handoff have no mode: they are `ai`.
  if (filter.mode) query.mode = filter.mode === 'ai' ? { $in: ['ai', null] } : filter.mode;
  // Conversations from before lead capture have no `hasLead`: they have no lead.
  if (filter.hasLead !== undefined) query.hasLead = filter.hasLead ? true : { $in: [false, null] };
  if (filter.rating === 'up') query.ratingUp = { $gt: 0 };
  if (filter.rating === 'down') query.ratingDown = { $gt: 0 };
  if (filter.search) query.searchText = { $regex: escapeRegex(filter.search.toLowerCase()) };
  return query;
}

export function conversationRepository({ Conversation, ConversationWindow, DailyCount }: Models) {
  // Through the driver, as `findById(…).lean()` would read it without building a Mongoose query (the send path's reads).
  const windowDoc = (id: string) => ConversationWindow.collection.findOne<ConversationWindowDoc>({ _id: oid(id) });
  const windowMessages = (doc: ConversationWindowDoc, owner: Pick<ConversationRecord, 'tenantId' | 'siteId'>) => {
    const fields = { tenantId: owner.tenantId, siteId: oid(owner.siteId), conversationId: doc._id };
    return doc.messages.slice(-RECENT_CAPACITY).map((m) => fromWindowMessage(m, fields));
  };

  /** The ids of at most `limit` of the tenant's conversations that match `filter` (batches of work). */
  async function idsWhere(tenantId: string, filter: Record<string, unknown>, limit: number): Promise<string[]> {
    const docs = await Conversation.find({ tenantId, ...filter })
      .select({ _id: 1 })
      .limit(limit)
      .lean<{ _id: Types.ObjectId }[]>();
    return docs.map((d) => String(d._id));
  }

  return {
    async create(input: {
      tenantId: string;
      siteId: string;
      visitorId: string;
      title: string;
      pageUrl: string | null;
      userAgent: string | null;
      locale: string | null;
      user: ConversationRecord['user'];
      now: Date;
    }): Promise<ConversationRecord> {
      const doc = await Conversation.create({
        ...input,
        siteId: oid(input.siteId),
        visitorId: oid(input.visitorId),
        day: utcDay(input.now),
        slot: utcSlot(input.now),
        lastMessageAt: input.now,
        lastDay: utcDay(input.now),
        createdAt: input.now,
      });
      const conversation = toConversation(doc.toObject());
      // An empty window says that this conversation's window is kept (one without is from before windows); with the
      // copy of the conversation its sends read (the first one too reads no conversation).
      await ConversationWindow.collection.insertOne({
        _id: doc._id,
        messages: [],
        conversation: toCopyDoc({ conversation, searchText: doc.searchText ?? '' }),
      });
      return conversation;
    },
    /** By `_id` only, the send path's read; callers check tenant and visitor. */
    async findById(id: string): Promise<ConversationRecord | null> {
      const doc = await Conversation.findById(oid(id)).lean<ConversationDoc>();
      return doc ? toConversation(doc) : null;
    },
    async findByIds(tenantId: string, ids: string[]): Promise<ConversationRecord[]> {
      if (!ids.length) return [];
      const docs = await Conversation.find({ tenantId, _id: { $in: ids.map(oid) } })
        .select(LIST_PROJECTION)
        .lean<ConversationDoc[]>();
      return docs.map(toConversation);
    },
    /**
     * A page newest first. A visitor's own conversations are few: one query. The admin lists read the tenant's
     * conversations a window of days at a time (`dayWindows`), from the cursor, `to` or `now`, until the page is full.
     */
    async list(filter: ConversationFilter, limit: number, after?: CursorPosition, now = new Date()) {
      const query = { ...listFilter(filter), ...afterDescending('lastMessageAt', after) };
      const read = (extra: Record<string, unknown>, count: number) =>
        Conversation.find({ ...query, ...extra })
          .select(LIST_PROJECTION)
          .sort({ lastMessageAt: -1, _id: -1 })
          .limit(count)
          .lean<ConversationDoc[]>();
      let docs: ConversationDoc[] = [];
      if (filter.visitorId) docs = await read({}, limit + 1);
      else {
        // A day ahead of the clock: another instance's clock may run ahead of ours.
        const newest = after?.at ?? filter.to ?? new Date(now.getTime() + 86_400_000);
        const oldest = filter.from ? utcDay(filter.from) : OLDEST_DAY;
        for (const days of dayWindows(utcDay(newest), oldest)) {
          docs = docs.concat(await read({ lastDay: { $in: days } }, limit + 1 - docs.length));
          if (docs.length > limit) break;
        }
      }
      return toPage(docs.map(toConversation), limit, (c) => ({ at: c.lastMessageAt, id: oid(c.id) }));
    },
    /**
     * Gives `lastDay` to conversations stored before it existed (a one-time job, one pass over the collection);
     * returns how many it changed. Idempotent: a job run again after a crash continues where the first stopped.
     */
    async backfillLastDay(signal?: AbortSignal): Promise<number> {
      const legacy = Conversation.find({ lastDay: { $exists: false } })
        .select({ lastMessageAt: 1 })
        .lean<Pick<ConversationDoc, '_id' | 'lastMessageAt'>>()
        .cursor({ batchSize: 1000 });
      let changed = 0;
      for await (const doc of legacy) {
        if (signal?.aborted) break;
        await Conversation.updateOne({ _id: doc._id }, { $set: { lastDay: utcDay(doc.lastMessageAt) } });
        changed++;
      }
      return changed;
    },
    /** Gives `slot` to the tenant's conversations stored before it (`backfillSlot`); the days of those it changed. */
    backfillSlot: (tenantId: string, signal?: AbortSignal) => backfillSlot(Conversation, tenantId, signal),
    /** `false` when the conversation is gone. */
    async recordActivity(id: string, activity: ConversationActivity): Promise<boolean> {
      // Never merged with other sends' updates: FerretDB v1 keeps every statement's read open until a multi-statement
      // update ends, so batches of them exhaust its 100 SQLite connections and hang it (docs/send-path.md).
      // Through the driver, with `updatedAt` as the schema's timestamps set it: Mongoose's casting of an update cost the
      // send path more CPU than its values need (typed already). `sendPathWrites.test.ts` compares both writes.
      const { thumbnailImageId, countedAnswers, ...fields } = activity;
      const result = await Conversation.collection.updateOne(
        { _id: oid(id) },
        {
          $set: {
            ...fields,
            countedAnswers: toCountedDoc(countedAnswers),
            thumbnailImageId: thumbnailImageId ? oid(thumbnailImageId) : null,
            lastDay: utcDay(activity.lastMessageAt),
            updatedAt: new Date(),
          },
        },
      );
      return result.matchedCount === 1;
    },
    /**
     * The conversation's window of recent messages (`ConversationWindowDoc`, rules in `domain/conversationWindow`), by
     * `_id`; `null` for a conversation from before windows, or whose window is marked stale.
     */
    async recentMessages(conversation: Pick<ConversationRecord, 'id' | 'tenantId' | 'siteId'>): Promise<MessageRecord[] | null> {
      const doc = await windowDoc(conversation.id);
      return doc && !doc.stale ? windowMessages(doc, conversation) : null;
    },
    /**
     * A send's one read under its conversation's lock (`SendWindow`), before it knows the conversation: the messages
     * are read as `owner`'s (the sender's), which the caller checks against the copy, or the conversation it reads.
     */
    async sendWindow(id: string, owner: Pick<ConversationRecord, 'tenantId' | 'siteId'>): Promise<SendWindow> {
      const doc = await windowDoc(id);
      if (!doc || doc.stale) return { messages: null, copy: null };
      const copy = doc.conversation ? fromCopyDoc(id, doc.conversation) : null;
      return { messages: windowMessages(doc, copy?.conversation ?? owner), copy };
    },
    /**
     * Writes the window, and, when given, the copy of its conversation as written with it (`recordTurn`); without, the
     * copy stays as it is (the writer changed none of the conversation's copied fields). Messages `appended` to the
     * stored window are pushed (`$slice` keeps the last `RECENT_CAPACITY`): a send's update carries its two messages
     * instead of 51. Only onto a window that is trusted and holds none of them yet; otherwise (a write retried after its
     * push landed, a window marked stale or rebuilt meanwhile, none stored) the whole window is written, as always.
     */
    async setRecentMessages(id: string, window: WindowWrite, copy?: ConversationWithText<SendConversation>): Promise<void> {
      const set = { stale: false, ...(copy ? { conversation: toCopyDoc(copy) } : {}) };
      if (window.appended) {
        const ids = window.appended.map((m) => oid(m.id));
        const windows = ConversationWindow.collection as unknown as mongo.Collection<ConversationWindowDoc>;
        const pushed = await windows.updateOne(
          // `$nor`: FerretDB v1 answers `$nin` on a field of an array's documents wrongly (a match when one holds it).
          { _id: oid(id), stale: { $ne: true }, $nor: [{ 'messages._id': { $in: ids } }] },
          { $push: { messages: { $each: window.appended.map(toWindowMessage), $slice: -RECENT_CAPACITY } }, $set: set },
        );
        if (pushed.matchedCount === 1) return;
      }
      const messages = window.messages.map(toWindowMessage);
      await upsertOnce(() =>
        ConversationWindow.collection.updateOne({ _id: oid(id) }, { $set: { messages, ...set } }, { upsert: true }),
      );
    },
    /** A window written after its conversation was deleted (an answer stored while it was erased). */
    async deleteWindow(id: string): Promise<void> {
      await ConversationWindow.deleteOne({ _id: oid(id) });
    },
    /**
     * The window may be behind the messages collection: `recentMessages` answers `null` until the next write. The copy
     * of the conversation may be ahead of it (its writer died between the two) and is removed: the next answer's write
     * adds it again.
     */
    async markWindowStale(id: string): Promise<void> {
      await ConversationWindow.collection.updateOne({ _id: oid(id) }, { $set: { stale: true }, $unset: { conversation: '' } });
    },
    /**
     * Who answers, and the turn counters when a message was delivered to people (by `_id`, under the conversation's lock).
     * The window's copy of the conversation is removed first when a copied field changes (a send then reads the
     * conversation, and its answer writes the copy again): a writer that dies in between leaves no copy behind.
     */
    async setHandoff(id: string, state: Partial<HandoffState & Omit<ConversationActivity, 'countedAnswers'>>): Promise<void> {
      if (Object.keys(state).some((key) => COPIED.has(key)))
        await ConversationWindow.collection.updateOne({ _id: oid(id) }, { $unset: { conversation: '' } });
      const { thumbnailImageId, ...rest } = state;
      await Conversation.updateOne(
        { _id: oid(id) },
        {
          $set: {
            ...rest,
            ...(thumbnailImageId !== undefined ? { thumbnailImageId: thumbnailImageId && oid(thumbnailImageId) } : {}),
          },
        },
      );
    },
    /** The visitor's lead, copied on one of their conversations (by `_id`, under the conversation's lock). */
    async setLead(id: string, lead: LeadRecord): Promise<void> {
      await Conversation.updateOne({ _id: oid(id) }, { $set: { lead, hasLead: true } });
    },
    async setRatings(id: string, ratingUp: number, ratingDown: number): Promise<void> {
      await Conversation.updateOne({ _id: oid(id) }, { $set: { ratingUp, ratingDown } });
    },
    async searchTextOf(id: string): Promise<string> {
      const doc = await Conversation.findById(oid(id)).select({ searchText: 1 }).lean<Pick<ConversationDoc, 'searchText'>>();
      return doc?.searchText ?? '';
    },
    /** The conversation with its search text, in one read (the writes that append to both). */
    async findWithSearchText(id: string): Promise<ConversationWithText | null> {
      const doc = await Conversation.collection.findOne<ConversationDoc>({ _id: oid(id) });
      return doc ? { conversation: toConversation(doc), searchText: doc.searchText ?? '' } : null;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const doc = await Conversation.findById(oid(id))
        .select({ tenantId: 1, day: 1 })
        .lean<Pick<ConversationDoc, 'tenantId' | 'day'>>();
      if (doc?.tenantId !== tenantId) return false;
      // The window first: its copy of the conversation must never outlive it (a send would take it as the conversation).
      await ConversationWindow.deleteOne({ _id: oid(id) });
      const result = await Conversation.deleteOne({ _id: oid(id), tenantId });
      if (result.deletedCount === 1) await forgetDailyCounts(DailyCount, tenantId, [doc.day]);
      return result.deletedCount === 1;
    },
    /** The tenant's conversations waiting for a person (told when an agent comes online or goes). */
    idsWaiting(tenantId: string, limit: number): Promise<string[]> {
      return idsWhere(tenantId, { mode: 'waiting' }, limit);
    },
    idsForSite(tenantId: string, siteId: string, limit = 1000): Promise<string[]> {
      return idsWhere(tenantId, { siteId: oid(siteId) }, limit);
    },
    /** A visitor's conversations (an erasure's batches). */
    idsForVisitor(tenantId: string, visitorId: string, limit = 100): Promise<string[]> {
      return idsWhere(tenantId, { visitorId: oid(visitorId) }, limit);
    },
    /** A site's conversations whose last message was on a day before `day` (the retention run's batches). */
    idsLastActiveBefore(tenantId: string, siteId: string, day: string, limit = 100): Promise<string[]> {
      return idsWhere(tenantId, { siteId: oid(siteId), lastDay: { $lt: day } }, limit);
    },
    /** What the stats count, per listed day, hour or ten minutes (see `countPerPeriod`). */
    async countPerPeriod(tenantId: string, periods: string[], siteId?: string) {
      return countPerPeriod(Conversation, tenantId, periods, siteId);
    },
  };
}
export type ConversationRepository = ReturnType<typeof conversationRepository>;
