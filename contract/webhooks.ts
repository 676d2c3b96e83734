import { z } from 'zod';
import { Cursor, Id, Limit, Timestamp, trimmedText } from './common.js';

/** What a webhook endpoint can subscribe to (README "Webhooks" says what each event's `data` is). */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'message.created',
  'feedback.given',
  'lead.captured',
  'handoff.requested',
  'source.failed',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** The body of every delivery, signed as `${Webhook-Timestamp}.${body}` (README "Verifying a delivery"). */
export const WebhookEvent = z.object({
  /** The same id for every endpoint and every retry of one event (`Webhook-Id`): receivers drop duplicates by it. */
  id: z.string(),
  type: WebhookEventType.or(z.literal('webhook.test')),
  createdAt: Timestamp,
  tenantId: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/**
 * A URL a delivery is POSTed to: http(s); credentials in it are refused (400); private hosts are refused at delivery
 * unless configured.
 */
const WebhookUrl = z
  .url({ message: 'must be a URL' })
  .max(2000)
  .regex(/^https?:\/\/\S+$/, 'must be an http or https URL')
  .meta({ description: 'http or https, without credentials (user:password@ is refused with 400)' });

const Events = z.array(WebhookEventType).min(1).max(WEBHOOK_EVENT_TYPES.length);

export const WebhookCreate = z.strictObject({
  url: WebhookUrl,
  events: Events,
  description: trimmedText(200).optional(),
  enabled: z.boolean().optional(),
});
export type WebhookCreate = z.input<typeof WebhookCreate>;

/** Changes only what it names (no defaults); enabling again clears the automatic disabling. */
export const WebhookUpdate = z.strictObject({
  url: WebhookUrl.optional(),
  events: Events.optional(),
  description: trimmedText(200).optional(),
  enabled: z.boolean().optional(),
});
export type WebhookUpdate = z.input<typeof WebhookUpdate>;

export const Webhook = z.object({
  id: Id,
  url: z.string(),
  events: z.array(WebhookEventType),
  enabled: z.boolean(),
  description: z.string().nullable(),
  /** Why the server disabled it (repeated failures); null when an admin did, or when it is enabled. */
  disabledReason: z.string().nullable(),
  disabledAt: Timestamp.nullable(),
  /** Failed delivery attempts since the last success. */
  consecutiveFailures: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Webhook = z.infer<typeof Webhook>;

/** Create and rotate answer the signing secret, once: it is never shown again. */
export const WebhookWithSecret = Webhook.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

/** One delivery attempt, as the log shows it. */
export const WebhookDelivery = z.object({
  id: Id,
  webhookId: Id,
  eventId: z.string(),
  eventType: z.string(),
  /** 1 for the first try; retries count up. */
  attempt: z.number().int(),
  outcome: z.enum(['delivered', 'failed']),
  /** The receiver's HTTP status; null when there was none (refused, unreachable, timeout). */
  status: z.number().int().nullable(),
  /** What went wrong: `http_status`, `timeout`, `unreachable`, `private_address`, … */
  error: z.string().nullable(),
  latencyMs: z.number().int(),
  /** The beginning of the receiver's answer (at most 500 characters). */
  responseExcerpt: z.string(),
  /** When the next attempt runs; null when none follows (delivered, out of attempts, or disabled). */
  nextAttemptAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const DeliveryListQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });
export type DeliveryListQuery = z.input<typeof DeliveryListQuery>;

/** What "send test event" answers: the queued delivery's event. */
export const WebhookTestResult = z.object({ eventId: z.string() });
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;
