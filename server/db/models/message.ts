import { Schema, type Types } from 'mongoose';
import type { MessageStatus } from '../../../contract/common.js';

/** What a message keeps of its images, so history renders without reading the images collection. */
export interface MessageImage {
  _id: Types.ObjectId;
  storage: 'local' | 'imagekit';
  key: string;
  url: string;
  mimeType: string;
  width: number;
  height: number;
}

/** A citation as an answer keeps it (the contract's `Citation`). */
export interface StoredCitation {
  sourceId: string;
  title: string;
  url: string | null;
  page: number | null;
  snippet: string;
}

/** A stored message. Its optional fields are left out when empty (`storedOptionalFields`) and read as empty when missing. */
export interface MessageDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  conversationId: Types.ObjectId;
  role: 'user' | 'assistant' | 'agent';
  /** The agent who wrote an `agent` message. */
  author?: { id: string; name: string } | null;
  text: string;
  images?: MessageImage[];
  status: MessageStatus;
  errorCode?: string | null;
  /** The visitor's id for their message; the answer carries the id of the message it answers. */
  clientMessageId: string | null;
  model?: string | null;
  usage?: { inputTokens: number; outputTokens: number } | null;
  feedback?: 'up' | 'down' | null;
  citations?: StoredCitation[];
  grounded: boolean;
  /** The best passage's retrieval score (0..1), null when nothing was retrieved: for the owner's reports. */
  retrievalScore?: number | null;
  /** When an owner took this answer off the unanswered questions (answered meanwhile, or not worth answering). */
  dismissedAt?: Date | null;
  day: string;
  /** UTC ten minutes of creation (`utcSlot`), for the open day's stats and history pages; absent on documents stored before it. */
  slot?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What a message says and how it ended; shared with the copies kept in conversation windows. */
export const messageContentFields = {
  role: { type: String, enum: ['user', 'assistant', 'agent'], required: true },
  author: { type: new Schema({ id: String, name: String }, { _id: false }), default: null },
  text: { type: String, default: '' },
  images: {
    type: [new Schema({ storage: String, key: String, url: String, mimeType: String, width: Number, height: Number })],
    default: [],
  },
  status: { type: String, enum: ['pending', 'streaming', 'complete', 'stopped', 'error'], required: true },
  errorCode: { type: String, default: null },
  clientMessageId: { type: String, default: null },
  model: { type: String, default: null },
  usage: { type: new Schema({ inputTokens: Number, outputTokens: Number }, { _id: false }), default: null },
  feedback: { type: String, enum: ['up', 'down', null], default: null },
  citations: {
    type: [new Schema({ sourceId: String, title: String, url: String, page: Number, snippet: String }, { _id: false })],
    default: [],
  },
  grounded: { type: Boolean, default: false },
  retrievalScore: { type: Number, default: null },
};

export const messageSchema = new Schema<MessageDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    ...messageContentFields,
    dismissedAt: { type: Date },
    day: { type: String, required: true },
    slot: { type: String },
  },
  { timestamps: true, versionKey: false },
);
// A conversation's history, paged by time; idempotent sends; stats; ratings.
messageSchema.index({ tenantId: 1, conversationId: 1, createdAt: -1, _id: -1 });
messageSchema.index({ conversationId: 1, clientMessageId: 1, role: 1 }, { unique: true });
messageSchema.index({ tenantId: 1, day: 1 });
messageSchema.index({ tenantId: 1, siteId: 1, day: 1 });
// Stats of the open day, an hour (six slots) at a time; history pages back, a few slots at a time.
messageSchema.index({ tenantId: 1, slot: 1 });
messageSchema.index({ tenantId: 1, siteId: 1, slot: 1 });
messageSchema.index({ tenantId: 1, conversationId: 1, slot: 1, createdAt: -1, _id: -1 });
// The stats' ratings: those of the open days (listed) and, once, those before them.
messageSchema.index({ tenantId: 1, feedback: 1, day: 1 });
messageSchema.index({ tenantId: 1, feedback: 1, siteId: 1, day: 1 });
messageSchema.index({ tenantId: 1, conversationId: 1, feedback: 1 });
// The unanswered questions: a site's answers not grounded or rated down, not dismissed, newest first.
messageSchema.index({ tenantId: 1, siteId: 1, role: 1, status: 1, dismissedAt: 1, createdAt: -1, grounded: 1, feedback: 1 });
