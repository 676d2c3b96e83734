import { z } from 'zod';
import { Cursor, Id, Limit, Timestamp, trimmedText, withGrammar } from './common.js';
import { ConversationMode } from './handoff.js';
import { PublicSiteConfig } from './sites.js';

export const IdentifiedUser = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  email: withGrammar(z.email().max(320)).optional(),
  /** HMAC-SHA256(identitySecret, id) in hex, computed by the site's backend. */
  // No regex flags here or anywhere in the contract: a published `pattern` cannot carry them.
  userHash: z
    .string()
    .regex(/^[a-fA-F0-9]{64}$/)
    .optional(),
});
export type IdentifiedUser = z.infer<typeof IdentifiedUser>;

export const SessionRequest = z.strictObject({
  siteKey: z.string().min(1).max(100),
  /** A token from an earlier session, to resume the same visitor. */
  visitorToken: z.string().max(2000).optional(),
  user: IdentifiedUser.optional(),
  locale: z.string().max(35).optional(),
});
export type SessionRequest = z.input<typeof SessionRequest>;

export const SessionResponse = z.object({
  visitorToken: z.string(),
  visitorId: Id,
  expiresAt: Timestamp,
  site: PublicSiteConfig,
  user: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  /** The visitor has left their details through the lead form already: the widget does not ask again. */
  leadCaptured: z.boolean(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

/** A conversation as its visitor sees it. */
export const Conversation = z.object({
  id: Id,
  siteId: Id,
  title: z.string(),
  messageCount: z.number().int(),
  hasImages: z.boolean(),
  /** Who answers: the assistant, or a person (asked for, or holding the conversation). */
  mode: ConversationMode,
  lastMessageAt: Timestamp,
  createdAt: Timestamp,
});
export type Conversation = z.infer<typeof Conversation>;

export const CreateConversation = z.strictObject({
  // What the URL parser accepts, http(s) only (a `javascript:` page URL is refused here, not only where
  // it is shown), without whitespace (which the parser would drop or encode). The pattern is the
  // document's too; `.regex` hides the format from it, so that is stated again.
  pageUrl: z
    .url()
    .max(2000)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL without spaces')
    .meta({ format: 'uri' })
    .optional(),
  title: trimmedText(200).optional(),
});
export type CreateConversation = z.input<typeof CreateConversation>;

export const ListQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });
export type ListQuery = z.input<typeof ListQuery>;

/** `POST /v1/widget/conversations/:id/handoff`: the conversation (now `waiting`, or as it was) and whether anyone is online. */
export const HandoffResponse = z.object({ conversation: Conversation, agentsOnline: z.boolean() });
export type HandoffResponse = z.infer<typeof HandoffResponse>;
