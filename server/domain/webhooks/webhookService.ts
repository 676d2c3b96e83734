import { Types } from 'mongoose';
import type { Page } from '../../../contract/common.js';
import type {
  DeliveryListQuery,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookEvent,
  WebhookEventType,
  WebhookTestResult,
  WebhookUpdate,
  WebhookWithSecret,
} from '../../../contract/webhooks.js';
import { decodeCursor } from '../../data/cursor.js';
import type { JobRepository, NewJob } from '../../data/jobRepository.js';
import type { WebhookAttemptRecord, WebhookRecord, WebhookRepository } from '../../data/webhookRepository.js';
import { AppError, invalidFields, notFound } from '../../lib/AppError.js';
import type { Logger } from '../../lib/logger.js';
import { newWebhookSecret } from './signature.js';
import type { EmitWebhook } from './webhookEvents.js';

export const WEBHOOK_DELIVERY = 'webhook.deliver';
/** Endpoints per tenant. */
export const MAX_WEBHOOKS = 20;
/**
 * How long an instance reuses a tenant's list of enabled endpoints before reading it again: the send path emits twice per
 * message, and most tenants have no webhook. A change made on another instance applies within this time.
 */
const ENDPOINTS_FRESH_MS = 1000;
const CACHED_TENANTS = 1000;

/** What a delivery job carries: the body is serialized once, so every retry sends (and signs) the same bytes. */
export interface DeliveryPayload {
  webhookId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** A "send test event": delivered even to a disabled endpoint, never retried, never counted against it. */
  test?: boolean;
}

export const toWebhookView = (hook: WebhookRecord): Webhook => ({
  id: hook.id,
  url: hook.url,
  events: hook.events as WebhookEventType[],
  enabled: hook.enabled,
  description: hook.description,
  disabledReason: hook.disabledReason,
  disabledAt: hook.disabledAt?.toISOString() ?? null,
  consecutiveFailures: hook.consecutiveFailures,
  createdAt: hook.createdAt.toISOString(),
  updatedAt: hook.updatedAt.toISOString(),
});

const toDeliveryView = (attempt: WebhookAttemptRecord): WebhookDelivery => ({
  id: attempt.id,
  webhookId: attempt.webhookId,
  eventId: attempt.eventId,
  eventType: attempt.eventType,
  attempt: attempt.attempt,
  outcome: attempt.outcome,
  status: attempt.status,
  error: attempt.error,
  latencyMs: attempt.latencyMs,
  responseExcerpt: attempt.responseExcerpt,
  nextAttemptAt: attempt.nextAttemptAt?.toISOString() ?? null,
  createdAt: attempt.createdAt.toISOString(),
});

export interface WebhookServiceDeps {
  webhooks: WebhookRepository;
  jobs: JobRepository;
  /** Attempts of a delivery before it is given up (the first try included). */
  maxAttempts: number;
  log: Logger;
  now: () => Date;
}

/** Signed webhooks (README "Webhooks"): the admin's endpoints, and `emit`, which only queues deliveries. */
export function webhookService(deps: WebhookServiceDeps) {
  const { webhooks, jobs, now } = deps;
  const endpointCache = new Map<string, { at: number; endpoints: Promise<Pick<WebhookRecord, 'id' | 'events'>[]> }>();

  function enabledEndpoints(tenantId: string) {
    const at = now().getTime();
    const cached = endpointCache.get(tenantId);
    if (cached && at - cached.at < ENDPOINTS_FRESH_MS) return cached.endpoints;
    const endpoints = webhooks.enabledForTenant(tenantId);
    endpoints.catch(() => endpointCache.delete(tenantId));
    endpointCache.delete(tenantId);
    endpointCache.set(tenantId, { at, endpoints });
    // The oldest entry goes first (a Map keeps insertion order).
    if (endpointCache.size > CACHED_TENANTS) endpointCache.delete(endpointCache.keys().next().value as string);
    return endpoints;
  }
  /** A change made here applies here at once. */
  const changed = (tenantId: string) => endpointCache.delete(tenantId);

  /** Credentials in a URL would be logged and shown back: refused (the document says so in words). */
  const checkUrl = (url: string | undefined) => {
    if (url === undefined) return;
    const parsed = new URL(url);
    if (parsed.username || parsed.password)
      throw invalidFields(400, 'invalid_request', [
        { in: 'body', path: 'url', code: 'invalid_url', message: 'must not contain credentials' },
      ]);
  };

  const owned = async (tenantId: string, id: string) => {
    const hook = await webhooks.findForTenant(tenantId, id);
    if (!hook) throw notFound('Webhook');
    return hook;
  };

  function deliveryJob(hook: Pick<WebhookRecord, 'id'>, event: WebhookEvent, body: string, test = false): NewJob {
    const payload: DeliveryPayload = { webhookId: hook.id, eventId: event.id, eventType: event.type, body, test };
    return {
      type: WEBHOOK_DELIVERY,
      key: `webhook:${event.id}:${hook.id}`,
      tenantId: event.tenantId,
      payload: payload as unknown as Record<string, unknown>,
      maxAttempts: test ? 1 : deps.maxAttempts,
    };
  }

  const newEvent = (tenantId: string, type: WebhookEvent['type'], data: Record<string, unknown>): WebhookEvent => ({
    id: `evt_${new Types.ObjectId().toHexString()}`,
    type,
    createdAt: now().toISOString(),
    tenantId,
    data,
  });

  return {
    /**
     * Queues the event for each of the tenant's enabled endpoints that subscribe to it: one read of the (few) endpoints
     * and one insert of their jobs; never a call to a receiver. A failure is logged, never thrown into the caller's
     * path (a send must not fail because its webhook could not be queued).
     */
    emit: (async (tenantId, type, data) => {
      try {
        const targets = (await enabledEndpoints(tenantId)).filter((hook) => hook.events.includes(type));
        if (!targets.length) return;
        const event = newEvent(tenantId, type, typeof data === 'function' ? data() : data);
        const body = JSON.stringify(event);
        await jobs.enqueueMany(
          targets.map((hook) => deliveryJob(hook, event, body)),
          now(),
        );
      } catch (error) {
        deps.log.error({ err: error, tenantId, type }, 'Webhook event not queued');
      }
    }) satisfies EmitWebhook,

    async list(tenantId: string): Promise<Page<Webhook>> {
      return { items: (await webhooks.list(tenantId)).map(toWebhookView), nextCursor: null };
    },
    async get(tenantId: string, id: string): Promise<Webhook> {
      return toWebhookView(await owned(tenantId, id));
    },
    async create(tenantId: string, input: WebhookCreate): Promise<WebhookWithSecret> {
      checkUrl(input.url);
      if ((await webhooks.countForTenant(tenantId)) >= MAX_WEBHOOKS)
        throw new AppError(409, 'webhook_limit_reached', `At most ${MAX_WEBHOOKS} webhooks per organization`);
      const secret = newWebhookSecret();
      const hook = await webhooks.create({
        tenantId,
        url: input.url,
        events: [...new Set(input.events)],
        enabled: input.enabled ?? true,
        description: input.description || null,
        secret,
      });
      changed(tenantId);
      return { ...toWebhookView(hook), secret };
    },
    async update(tenantId: string, id: string, input: WebhookUpdate): Promise<Webhook> {
      checkUrl(input.url);
      const before = await owned(tenantId, id);
      const enabling = input.enabled === true && !before.enabled;
      const hook = await webhooks.update(tenantId, id, {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
        ...(input.description !== undefined ? { description: input.description || null } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        // Enabled again by an admin: the notice goes and the failures are forgotten.
        ...(enabling ? { disabledReason: null, disabledAt: null, resetFailures: true } : {}),
      });
      if (!hook) throw notFound('Webhook');
      changed(tenantId);
      return toWebhookView(hook);
    },
    async delete(tenantId: string, id: string): Promise<void> {
      if (!(await webhooks.delete(tenantId, id))) throw notFound('Webhook');
      changed(tenantId);
    },
    /** A new secret at once: deliveries signed from now on use it (retries included). */
    async rotateSecret(tenantId: string, id: string): Promise<WebhookWithSecret> {
      await owned(tenantId, id);
      const secret = newWebhookSecret();
      const hook = await webhooks.update(tenantId, id, { secret });
      if (!hook) throw notFound('Webhook');
      return { ...toWebhookView(hook), secret };
    },
    /** Queues a `webhook.test` event for this endpoint only (one attempt; its outcome shows in the log). */
    async sendTest(tenantId: string, id: string): Promise<WebhookTestResult> {
      const hook = await owned(tenantId, id);
      const event = newEvent(tenantId, 'webhook.test', { webhookId: hook.id, message: 'A test event from chatwidget' });
      await jobs.enqueue(deliveryJob(hook, event, JSON.stringify(event), true), now());
      return { eventId: event.id };
    },
    async deliveries(tenantId: string, id: string, query: DeliveryListQuery & { limit: number }): Promise<Page<WebhookDelivery>> {
      await owned(tenantId, id);
      const page = await webhooks.listAttempts(tenantId, id, query.limit, decodeCursor(query.cursor));
      return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
    },
  };
}
export type WebhookService = ReturnType<typeof webhookService>;
