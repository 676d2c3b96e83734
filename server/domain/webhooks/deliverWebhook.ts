import type { WebhookRepository } from '../../data/webhookRepository.js';
import { AppError } from '../../lib/AppError.js';
import type { Logger } from '../../lib/logger.js';
import { type SafeFetchOptions, safeFetch } from '../../lib/safeFetch.js';
import { backoffDelay, type JobHandler } from '../jobs/jobWorker.js';
import { signedHeaders } from './signature.js';
import type { DeliveryPayload } from './webhookService.js';

/** How deliveries are made, retried and given up on (defaults: `DEFAULT_WEBHOOK_SETTINGS`). */
export interface WebhookSettings {
  /** `ALLOW_PRIVATE_HOSTS`: deliver to private, loopback and link-local addresses (intranets, tests). */
  allowPrivateHosts: boolean;
  /** The whole exchange with the receiver. */
  timeoutMs: number;
  /** The first retry waits this long, doubling up to `maxBackoffMs`, for `maxAttempts` attempts in all. */
  backoffMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
  /** An endpoint is disabled once it has failed this many attempts in a row… */
  disableAfterFailures: number;
  /** …over at least this long without a success. */
  disableAfterMs: number;
  /** Lets tests resolve names as they wish. */
  resolve?: SafeFetchOptions['resolve'];
}

/**
 * 1 min, 2, 4 … 64 min, then every 2 h: the 13th attempt comes about 12 hours after the first. An endpoint that has
 * failed for 24 hours (and at least 10 attempts) is disabled with a notice.
 */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivateHosts: false,
  timeoutMs: 10_000,
  backoffMs: 60_000,
  maxBackoffMs: 2 * 3600_000,
  maxAttempts: 13,
  disableAfterFailures: 10,
  disableAfterMs: 24 * 3600_000,
};

/** Receivers' answers are kept this short in the log (and read no further than `MAX_ANSWER_BYTES`). */
const EXCERPT_CHARS = 500;
const MAX_ANSWER_BYTES = 64 * 1024;

/** The `webhook.deliver` job: one signed POST, one log entry per attempt; a failure throws so the queue retries it. */
export function deliverWebhook(deps: {
  webhooks: WebhookRepository;
  settings: WebhookSettings;
  log: Logger;
  now: () => Date;
}): JobHandler {
  const { webhooks, settings, now } = deps;
  return async ({ job, signal }) => {
    const payload = job.payload as unknown as DeliveryPayload;
    const hook = await webhooks.findById(payload.webhookId);
    // Deleted, or disabled since the event: nothing to deliver (a test event goes to a disabled endpoint too).
    if (!hook || hook.tenantId !== job.tenantId || (!hook.enabled && !payload.test)) return;
    const started = now();
    const t0 = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let excerpt = '';
    try {
      const answer = await safeFetch(hook.url, {
        allowPrivateHosts: settings.allowPrivateHosts,
        method: 'POST',
        headers: signedHeaders(hook.secret, payload.eventId, payload.body, started),
        body: payload.body,
        timeoutMs: settings.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        maxRedirects: 0,
        anyStatus: true,
        resolve: settings.resolve,
        signal,
      });
      status = answer.status;
      excerpt = answer.body
        .subarray(0, EXCERPT_CHARS * 4)
        .toString('utf8')
        .slice(0, EXCERPT_CHARS);
      // Redirects are not followed: the receiver must answer at the URL it gave.
      if (status < 200 || status > 299) error = 'http_status';
    } catch (cause) {
      if (signal.aborted) throw cause; // this instance is stopping: the job is given back, no attempt is logged
      error = cause instanceof AppError ? cause.code : 'unreachable';
      status = cause instanceof AppError ? ((cause.details as { status?: number } | undefined)?.status ?? null) : null;
      excerpt = cause instanceof AppError ? cause.message.slice(0, EXCERPT_CHARS) : '';
    }
    const latencyMs = Math.round(performance.now() - t0);
    const attempt = {
      tenantId: hook.tenantId,
      webhookId: hook.id,
      eventId: payload.eventId,
      eventType: payload.eventType,
      attempt: job.attempts,
      status,
      error,
      latencyMs,
      responseExcerpt: excerpt,
      createdAt: started,
    };
    if (!error) {
      await webhooks.recordAttempt({ ...attempt, outcome: 'delivered', nextAttemptAt: null });
      if (!payload.test) await webhooks.recordSuccess(hook.id);
      return;
    }
    let disabled = false;
    if (!payload.test) {
      const streak = await webhooks.recordFailure(hook.id, started);
      if (
        streak &&
        streak.consecutiveFailures >= settings.disableAfterFailures &&
        started.getTime() - (streak.failingSince?.getTime() ?? started.getTime()) >= settings.disableAfterMs
      ) {
        const reason = `Disabled after ${streak.consecutiveFailures} failed deliveries in a row since ${streak.failingSince?.toISOString()} (last: ${status ? `HTTP ${status}` : error})`;
        disabled = await webhooks.disable(hook.id, reason, started);
        if (disabled) deps.log.warn({ webhook: hook.id, tenantId: hook.tenantId }, 'Webhook disabled after repeated failures');
      }
    }
    const retries = !disabled && job.attempts < job.maxAttempts;
    const nextAttemptAt = retries
      ? new Date(started.getTime() + backoffDelay(job.attempts, settings.backoffMs, settings.maxBackoffMs))
      : null;
    await webhooks.recordAttempt({ ...attempt, outcome: 'failed', nextAttemptAt });
    if (retries) throw new Error(`Webhook delivery failed: ${status ? `HTTP ${status}` : error}`);
  };
}
