import { Schema, type Types } from 'mongoose';

/** A turn kept on the conversation for the model's context (MongoDB's subset pattern). */
export interface RecentTurn {
  role: 'user' | 'assistant';
  text: string;
  imageIds: Types.ObjectId[];
}

export interface ConversationDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  visitorId: Types.ObjectId;
  title: string;
  firstQuestion: string;
  messageCount: number;
  hasImages: boolean;
  thumbnailImageId: Types.ObjectId | null;
  ratingUp: number;
  ratingDown: number;
  pageUrl: string | null;
  userAgent: string | null;
  locale: string | null;
  user: { id: string; name: string | null; email: string | null } | null;
  /** Lower-cased text of the conversation, bounded, for the admin search (no `$text` on FerretDB). */
  searchText: string;
  recent: RecentTurn[];
  /** UTC day of creation (`YYYY-MM-DD`), for per-day stats without `$dateToString`. */
  day: string;
  lastMessageAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const conversationSchema = new Schema<ConversationDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, default: '' },
    firstQuestion: { type: String, default: '' },
    messageCount: { type: Number, default: 0 },
    hasImages: { type: Boolean, default: false },
    thumbnailImageId: { type: Schema.Types.ObjectId, default: null },
    ratingUp: { type: Number, default: 0 },
    ratingDown: { type: Number, default: 0 },
    pageUrl: { type: String, default: null },
    userAgent: { type: String, default: null },
    locale: { type: String, default: null },
    user: { type: new Schema({ id: String, name: String, email: String }, { _id: false }), default: null },
    searchText: { type: String, default: '' },
    recent: {
      type: [{ _id: false, role: String, text: String, imageIds: [Schema.Types.ObjectId] }],
      default: [],
    },
    day: { type: String, required: true },
    lastMessageAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
// Admin list by tenant, site and the has-images filter (equality, then the keyset sort, then the
// rating ranges), the visitor's own list, stats. `indexCoverage.test.ts` checks every query shape.
conversationSchema.index({ tenantId: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, hasImages: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, hasImages: 1, lastMessageAt: -1, _id: -1, ratingUp: 1, ratingDown: 1 });
conversationSchema.index({ tenantId: 1, visitorId: 1, lastMessageAt: -1, _id: -1 });
conversationSchema.index({ tenantId: 1, day: 1 });
conversationSchema.index({ tenantId: 1, siteId: 1, day: 1 });
conversationSchema.index({ siteId: 1 });
