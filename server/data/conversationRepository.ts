import type { Types } from 'mongoose';
import type { ConversationDoc, RecentTurn } from '../db/models/conversation.js';
import type { Models } from '../db/models/index.js';
import { countPerDay } from './countPerDay.js';
import { afterDescending, type CursorPosition, oid, toPage, utcDay } from './cursor.js';

export interface ConversationRecord {
  id: string;
  tenantId: string;
  siteId: string;
  visitorId: string;
  title: string;
  firstQuestion: string;
  messageCount: number;
  hasImages: boolean;
  thumbnailImageId: string | null;
  ratingUp: number;
  ratingDown: number;
  pageUrl: string | null;
  userAgent: string | null;
  locale: string | null;
  user: { id: string; name: string | null; email: string | null } | null;
  recent: { role: 'user' | 'assistant'; text: string; imageIds: string[] }[];
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
}

/** The part of a conversation the send path rewrites after each answer. */
export interface ConversationActivity {
  title: string;
  firstQuestion: string;
  messageCount: number;
  hasImages: boolean;
  thumbnailImageId: string | null;
  recent: ConversationRecord['recent'];
  searchText: string;
  lastMessageAt: Date;
}

const toConversation = (doc: ConversationDoc): ConversationRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  visitorId: String(doc.visitorId),
  title: doc.title,
  firstQuestion: doc.firstQuestion,
  messageCount: doc.messageCount,
  hasImages: doc.hasImages,
  thumbnailImageId: doc.thumbnailImageId ? String(doc.thumbnailImageId) : null,
  ratingUp: doc.ratingUp,
  ratingDown: doc.ratingDown,
  pageUrl: doc.pageUrl ?? null,
  userAgent: doc.userAgent ?? null,
  locale: doc.locale ?? null,
  user: doc.user ? { id: doc.user.id, name: doc.user.name ?? null, email: doc.user.email ?? null } : null,
  recent: (doc.recent ?? []).map((turn: RecentTurn) => ({ role: turn.role, text: turn.text, imageIds: turn.imageIds.map(String) })),
  lastMessageAt: doc.lastMessageAt,
  createdAt: doc.createdAt,
});

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
  if (filter.rating === 'up') query.ratingUp = { $gt: 0 };
  if (filter.rating === 'down') query.ratingDown = { $gt: 0 };
  if (filter.search) query.searchText = { $regex: escapeRegex(filter.search.toLowerCase()) };
  return query;
}

export function conversationRepository({ Conversation }: Models) {
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
        lastMessageAt: input.now,
        createdAt: input.now,
      });
      return toConversation(doc.toObject());
    },
    /** By `_id` only, the send path's read; callers check tenant and visitor. */
    async findById(id: string): Promise<ConversationRecord | null> {
      const doc = await Conversation.findById(oid(id)).lean<ConversationDoc>();
      return doc ? toConversation(doc) : null;
    },
    async findByIds(tenantId: string, ids: string[]): Promise<ConversationRecord[]> {
      if (!ids.length) return [];
      const docs = await Conversation.find({ tenantId, _id: { $in: ids.map(oid) } }).lean<ConversationDoc[]>();
      return docs.map(toConversation);
    },
    async list(filter: ConversationFilter, limit: number, after?: CursorPosition) {
      const query = { ...listFilter(filter), ...afterDescending('lastMessageAt', after) };
      const docs = await Conversation.find(query)
        .select({ searchText: 0, recent: 0 })
        .sort({ lastMessageAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<ConversationDoc[]>();
      return toPage(docs.map(toConversation), limit, (c) => ({ at: c.lastMessageAt, id: oid(c.id) }));
    },
    async recordActivity(id: string, activity: ConversationActivity): Promise<void> {
      await Conversation.updateOne(
        { _id: oid(id) },
        {
          $set: {
            ...activity,
            thumbnailImageId: activity.thumbnailImageId ? oid(activity.thumbnailImageId) : null,
            recent: activity.recent.map((turn) => ({ ...turn, imageIds: turn.imageIds.map(oid) })),
          },
        },
      );
    },
    async setRatings(id: string, ratingUp: number, ratingDown: number): Promise<void> {
      await Conversation.updateOne({ _id: oid(id) }, { $set: { ratingUp, ratingDown } });
    },
    async searchTextOf(id: string): Promise<string> {
      const doc = await Conversation.findById(oid(id)).select({ searchText: 1 }).lean<Pick<ConversationDoc, 'searchText'>>();
      return doc?.searchText ?? '';
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await Conversation.deleteOne({ _id: oid(id), tenantId });
      return result.deletedCount === 1;
    },
    async idsForSite(tenantId: string, siteId: string): Promise<string[]> {
      const docs = await Conversation.find({ tenantId, siteId: oid(siteId) }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
      return docs.map((d) => String(d._id));
    },
    async countPerDay(tenantId: string, days: string[], siteId?: string) {
      return countPerDay(Conversation, tenantId, days, siteId);
    },
  };
}
export type ConversationRepository = ReturnType<typeof conversationRepository>;

