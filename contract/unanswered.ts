import { z } from 'zod';
import { Cursor, Id, Limit, queryInt, Timestamp } from './common.js';

/** The most recent answers one listing groups (older ones wait until these are answered or dismissed). */
export const MAX_UNANSWERED_SCAN = 1000;

/** `GET /v1/admin/sites/:siteId/unanswered`: the last `days` of answers; groups paged by `cursor`. */
export const UnansweredQuery = z.strictObject({
  days: queryInt(1, 365, 30),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type UnansweredQuery = z.input<typeof UnansweredQuery>;

/** Why an answer counts as unanswered: not drawn from the site's knowledge, or rated down by the visitor. */
export const UnansweredReason = z.enum(['not_grounded', 'thumbs_down']);
export type UnansweredReason = z.infer<typeof UnansweredReason>;

export const UnansweredExample = z.object({
  conversationId: Id,
  question: z.string(),
  /** The beginning of the answer the visitor got (at most 300 characters). */
  answer: z.string(),
  reasons: z.array(UnansweredReason),
  askedAt: Timestamp,
});
export type UnansweredExample = z.infer<typeof UnansweredExample>;

/** Visitors' questions that are alike (keyword retrieval over the questions), with what they got. */
export const UnansweredGroup = z.object({
  /** The newest answer's id: the same while the group keeps its newest question. */
  id: Id,
  siteId: Id,
  /** The question asked most often in the group (the newest among equals). */
  question: z.string(),
  count: z.number().int(),
  notGrounded: z.number().int(),
  thumbsDown: z.number().int(),
  /** Up to 3 different questions, newest first. */
  examples: z.array(UnansweredExample),
  /** Every answer of the group: what dismissing it names. */
  answerIds: z.array(Id),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
});
export type UnansweredGroup = z.infer<typeof UnansweredGroup>;

/** Takes answers off the list (a group that was answered, or not worth answering); they are kept as they are. */
export const UnansweredDismiss = z.strictObject({ answerIds: z.array(Id).min(1).max(MAX_UNANSWERED_SCAN) });
export type UnansweredDismiss = z.input<typeof UnansweredDismiss>;

export const UnansweredDismissResult = z.object({ dismissed: z.number().int() });
export type UnansweredDismissResult = z.infer<typeof UnansweredDismissResult>;
