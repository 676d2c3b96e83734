import { Schema, type Types } from 'mongoose';
import type { ConversationMode } from '../../../contract/handoff.js';
import { type MessageDoc, messageContentFields } from './message.js';
import { type LeadDoc, leadSchema } from './visitor.js';

/**
 * A message as the conversation's window keeps it: the stored message without the fields the conversation already
 * has (tenant, site, conversation, day).
 */
export type WindowMessage = Omit<MessageDoc, 'tenantId' | 'siteId' | 'conversationId' | 'day'>;
/** What a message most often has, left out of its copy in a window (`toWindowMessage`) and read back as the default. */
export type WindowDefaultField = 'status' | 'clientMessageId' | 'grounded' | 'updatedAt';
/** A window message as stored: its default fields may be absent (and are, in windows written since they were left out). */
export type StoredWindowMessage = Omit<WindowMessage, WindowDefaultField> & Partial<Pick<WindowMessage, WindowDefaultField>>;

export interface ConversationDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  visitorId: Types.ObjectId;
  title: string;
  firstQuestion: string;
  messageCount: number;
  /**
   * The latest answers counted in `messageCount` (bounded): an instance that died between storing an answer and
   * counting it left its in-flight entry, and the recovery counts that answer only if it is not here. Stored as one
   * string of ids (`conversationRepository`'s `toCountedDoc`); an array in documents written before.
   */
  countedAnswers?: string | string[];
  hasImages: boolean;
  thumbnailImageId: Types.ObjectId | null;
  ratingUp: number;
  ratingDown: number;
  pageUrl: string | null;
  userAgent: string | null;
  locale: string | null;
  user: { id: string; name: string | null; email: string | null } | null;
  /** Who answers (`contract/handoff.ts`); absent on conversations from before handoff: `ai`. */
  mode?: ConversationMode;
  assignee?: { id: string; name: string } | null;
  waitingSince?: Date | null;
  /** Visitor messages since the agents last looked (a takeover or a reply). */
  unread?: number;
  /** The email the visitor left when asking for a person. */
  email?: string | null;
  /** A copy of the visitor's lead (the visitor holds it); absent on conversations from before lead capture. */
  lead?: LeadDoc | null;
  /** Whether `lead` is set: the list's "has lead" filter, an equality an index serves. */
  hasLead?: boolean;
  /** Lower-cased text of the conversation, bounded, for the admin search (no `$text` on FerretDB). */
  searchText: string;
  /** UTC day of creation (`YYYY-MM-DD`), for per-day stats without `$dateToString`. */
  day: string;
  /** UTC ten minutes of creation (`utcSlot`), for the open day's stats; absent on documents stored before it. */
  slot?: string;
  lastMessageAt: Date;
  /**
   * UTC day of `lastMessageAt`: the admin list reads a few days at a time through it (`dayWindows`). Missing only on
   * conversations stored before it existed, until the one-time `conversations.backfillLastDay` job.
   */
  lastDay?: string;
  createdAt: Date;
  updatedAt: Date;
}

const windowMessageSchema = new Schema<WindowMessage>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    ...messageContentFields,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const conversationSchema = new Schema<ConversationDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, default: '' },
    firstQuestion: { type: String, default: '' },
    messageCount: { type: Number, default: 0 },
    // A string of ids, or an array in documents written before: never cast (`ConversationDoc.countedAnswers`).
    countedAnswers: { type: Schema.Types.Mixed, default: undefined },
    hasImages: { type: Boolean, default: false },
    thumbnailImageId: { type: Schema.Types.ObjectId, default: null },
    ratingUp: { type: Number, default: 0 },
    ratingDown: { type: Number, default: 0 },
    pageUrl: { type: String, default: null },
    userAgent: { type: String, default: null },
    locale: { type: String, default: null },
    user: { type: new Schema({ id: String, name: String, email: String }, { _id: false }), default: null },
    mode: { type: String, enum: ['ai', 'waiting', 'human', 'closed'], default: 'ai' },
    assignee: { type: new Schema({ id: String, name: String }, { _id: false }), default: null },
    waitingSince: { type: Date, default: null },
    unread: { type: Number, default: 0 },
    email: { type: String, default: null },
    lead: { type: leadSchema, default: null },
    hasLead: { type: Boolean, default: false },
    searchText: { type: String, default: '' },
    day: { type: String, required: true },
    slot: { type: String },
    lastMessageAt: { type: Date, required: true },
    lastDay: { type: String },
  },
  { timestamps: true, versionKey: false },
);
// Admin list by tenant, site and the has-images filter, a window of days at a time (equality, then the keyset sort,
// then the rating ranges), the visitor's own list, stats, the backfill of `lastDay`. `indexCoverage.test.ts` checks
// every query shape.
conversationSchema.index({ tenantId: 1, lastDay: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, lastDay: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, hasImages: 1, lastDay: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({
  tenantId: 1,
  siteId: 1,
  hasImages: 1,
  lastDay: 1,
  lastMessageAt: -1,
  _id: -1,
  ratingUp: 1,
  ratingDown: 1,
});
// The inbox: one mode (waiting, human), optionally one site, a window of days at a time.
conversationSchema.index({ tenantId: 1, mode: 1, lastDay: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, mode: 1, lastDay: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
// The "has lead" filter, optionally one site.
conversationSchema.index({ tenantId: 1, hasLead: 1, lastDay: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({
  tenantId: 1,
  siteId: 1,
  hasLead: 1,
  lastDay: 1,
  lastMessageAt: -1,
  _id: -1,
  ratingUp: 1,
  ratingDown: 1,
});
conversationSchema.index({ tenantId: 1, visitorId: 1, lastMessageAt: -1, _id: -1 });
conversationSchema.index({ lastDay: 1 });
conversationSchema.index({ tenantId: 1, day: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, day: 1 });
conversationSchema.index({ tenantId: 1, slot: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, slot: 1 });
conversationSchema.index({ siteId: 1 });

/** The largest first page of history served from the conversation's window. */
export const RECENT_PAGE = 50;
/**
 * The window holds one message more than a page, so a page from it knows whether older messages exist. A stored window
 * may hold more (a `$push` whose `$slice` a FerretDB before our build `p12` ignored): readers take its last
 * `RECENT_CAPACITY`.
 */
export const RECENT_CAPACITY = RECENT_PAGE + 1;

/**
 * The latest messages of a conversation (MongoDB's subset pattern), keyed by the conversation's `_id`: oldest first,
 * exactly as stored in the messages collection, one more than a first page (so a page from it knows whether older
 * messages exist). It serves the widget's first page of history and the model's context with one `_id` read.
 * It lives beside the conversation, not in it: the embedded database decodes every document a list reads, nested
 * values dearest (measured: 2,000 conversations with 50 embedded messages scan 34× slower than without).
 * A conversation from before the window has none; it gets one at its next message.
 */
export interface ConversationWindowDoc {
  _id: Types.ObjectId;
  messages: StoredWindowMessage[];
  /**
   * A write of this conversation failed (or its writer died) after the messages collection changed: the window may be
   * behind it and is read from the collection until the next successful write. Here, so every instance sees it.
   */
  stale?: boolean;
  /**
   * What a send needs of the conversation (`WindowConversationDoc`), kept equal to it under the conversation's lock:
   * every write of these fields writes the copy too, or first removes it (and so does marking the window stale). A
   * send reads it with the window, one read under its lock, and reads the conversation only when it is absent.
   * Absent on windows from before the copy: the send reads the conversation, and its answer's write adds it.
   */
  conversation?: WindowConversationDoc;
}

/** The conversation as a send needs it, copied into its window: owner, mode, and what the answer's counters build on. */
export interface WindowConversationDoc {
  tenantId: string;
  siteId: Types.ObjectId;
  visitorId: Types.ObjectId;
  mode: ConversationMode;
  title: string;
  firstQuestion: string;
  messageCount: number;
  /** As in the conversation (`ConversationDoc.countedAnswers`). */
  countedAnswers: string | string[];
  hasImages: boolean;
  thumbnailImageId: Types.ObjectId | null;
  searchText: string;
}

export const conversationWindowSchema = new Schema<ConversationWindowDoc>(
  {
    messages: { type: [windowMessageSchema], default: [] },
    stale: { type: Boolean, default: false },
    // Written through the driver only (`conversationRepository.setRecentMessages`), as `WindowConversationDoc`.
    conversation: { type: Schema.Types.Mixed, default: undefined },
  },
  { versionKey: false },
);
