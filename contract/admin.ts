import { z } from 'zod';
import { Cursor, Id, Limit, queryInt, Rating, Timestamp, trimmedText } from './common.js';
import { RangeFrom, RangeTo } from './dateRange.js';
import { Agent, ConversationMode, HandoffFields } from './handoff.js';
import { Lead } from './leads.js';
import { ImageRef, Message } from './messages.js';

const BoolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ConversationListQuery = z.strictObject({
  siteId: Id.optional(),
  q: trimmedText(200, { nonBlank: true }).optional(),
  from: RangeFrom.optional(),
  to: RangeTo.optional(),
  hasImages: BoolString.optional(),
  rating: Rating.optional(),
  /** Only conversations in this mode (the inbox lists `waiting`, then `human`). */
  mode: ConversationMode.optional(),
  /** Only conversations whose visitor left (or did not leave) their details through the lead form. */
  hasLead: BoolString.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type ConversationListQuery = z.input<typeof ConversationListQuery>;

export const AdminConversation = z
  .object({
    id: Id,
    siteId: Id,
    visitorId: Id,
    title: z.string(),
    /** The visitor's first message, for list rows. */
    firstQuestion: z.string(),
    messageCount: z.number().int(),
    hasImages: z.boolean(),
    /** The first image, for a list-row thumbnail. */
    thumbnailUrl: z.string().nullable(),
    ratingUp: z.number().int(),
    ratingDown: z.number().int(),
    pageUrl: z.string().nullable(),
    userAgent: z.string().nullable(),
    locale: z.string().nullable(),
    user: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
    /** What the visitor left through the lead form. */
    lead: Lead.nullable(),
    lastMessageAt: Timestamp,
    createdAt: Timestamp,
  })
  .extend(HandoffFields.shape);
export type AdminConversation = z.infer<typeof AdminConversation>;

/**
 * A conversation with its latest page of messages (oldest first); `messagesCursor` pages back through
 * `GET conversations/{id}/messages` (`null`: these are all of them).
 */
export const AdminConversationDetail = AdminConversation.extend({
  messages: z.array(Message),
  messagesCursor: Cursor.nullable(),
});
export type AdminConversationDetail = z.infer<typeof AdminConversationDetail>;

export const ImageListQuery = z.strictObject({
  siteId: Id.optional(),
  from: RangeFrom.optional(),
  to: RangeTo.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type ImageListQuery = z.input<typeof ImageListQuery>;

export const AdminImage = ImageRef.extend({
  siteId: Id,
  conversationId: Id.nullable(),
  bytes: z.number().int(),
  createdAt: Timestamp,
});
export type AdminImage = z.infer<typeof AdminImage>;

export const StatsQuery = z.strictObject({
  siteId: Id.optional(),
  days: queryInt(1, 365, 30),
});
export type StatsQuery = z.input<typeof StatsQuery>;

export const Stats = z.object({
  days: z.array(
    z.object({ date: z.iso.date(), conversations: z.number().int(), messages: z.number().int(), images: z.number().int() }),
  ),
  ratings: z.object({ up: z.number().int(), down: z.number().int() }),
  totals: z.object({ conversations: z.number().int(), messages: z.number().int(), images: z.number().int() }),
});
export type Stats = z.infer<typeof Stats>;

/** What the dashboard asks first: how to sign in. */
export const AuthConfig = z.object({
  mode: z.enum(['clerk', 'local']),
  clerkPublishableKey: z.string().nullable(),
});
export type AuthConfig = z.infer<typeof AuthConfig>;

export const Me = z.object({
  tenantId: z.string(),
  role: z.enum(['admin', 'member']),
  userId: z.string().nullable(),
  /** Who this admin is as an agent: the assignee id of the conversations they hold, and the name visitors see. */
  agent: Agent,
  /** The name this agent set in the dashboard (it wins over the session's name claim), or null. */
  displayName: z.string().nullable(),
});
export type Me = z.infer<typeof Me>;

/** `PATCH /v1/admin/me`: the agent's display name, shown to visitors on their replies; null goes back to the default. */
export const MeUpdate = z.strictObject({ displayName: trimmedText(80, { nonBlank: true }).nullable() });
export type MeUpdate = z.input<typeof MeUpdate>;
