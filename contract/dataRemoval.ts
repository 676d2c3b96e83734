import { z } from 'zod';
import { Id, Timestamp, trimmedText } from './common.js';

/** Days a site keeps a conversation after its last message; `null`: kept until deleted (the default). */
export const RetentionDays = z.number().int().min(1).max(3650).nullable();

/** What one removal deleted (an erasure, a retention run). */
export const RemovalCounts = z.object({
  conversations: z.number().int(),
  messages: z.number().int(),
  images: z.number().int(),
  visitors: z.number().int(),
  /** Visitors' name and email left through lead capture. */
  leads: z.number().int(),
});
export type RemovalCounts = z.infer<typeof RemovalCounts>;

/** `POST /v1/admin/sites/:siteId/erasures` (org:admin): one visitor, or every visitor of an identified user id. */
export const ErasureRequest = z.union([
  z.strictObject({ visitorId: Id }),
  z.strictObject({ userId: trimmedText(200, { nonBlank: true }) }),
]);
export type ErasureRequest = z.input<typeof ErasureRequest>;

/**
 * The record of a removal, kept as proof: an erasure's receipt (`subject` names whom it erased) or a retention run
 * (`subject` null; `before` is the cutoff).
 */
export const RemovalRecord = z.object({
  id: Id,
  siteId: Id,
  kind: z.enum(['erasure', 'retention']),
  subject: z
    .object({ visitorId: Id })
    .or(z.object({ userId: z.string() }))
    .nullable(),
  /** Retention: conversations whose last message is older than this were deleted. */
  before: Timestamp.nullable(),
  counts: RemovalCounts,
  createdAt: Timestamp,
});
export type RemovalRecord = z.infer<typeof RemovalRecord>;
