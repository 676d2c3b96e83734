import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import type { Logger } from '../../lib/logger.js';
import type { RateLimitStore } from './rateLimits.js';

/** Every key of this product on a Redis it may share with other software; one prefix per limiter below it. */
const PREFIX = 'chatwidget:rl:';
/** While Redis is unreachable, one warning per this period rather than one per request. */
const WARN_EVERY_MS = 10_000;

export interface SharedRateLimitStore {
  store: RateLimitStore;
  close(): Promise<void>;
}

/**
 * The limiters' counts in Redis (`rate-limit-redis`), shared by every instance: required when more than one runs,
 * or each would allow the whole limit. Commands fail at once while Redis is unreachable (no offline queue, a short
 * timeout), and the limiters then **fail open**: the request is allowed, as the first of its window, and a warning
 * is logged. A Redis outage must not take the chat down; the model budget and storage caps, counted in the database,
 * still hold meanwhile.
 */
export function redisRateLimitStore(url: string, log: Logger): SharedRateLimitStore {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectionName: 'chatwidget-limits',
  });
  let warnedAt = 0;
  const warn = (error: unknown) => {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Rate limits: Redis unreachable, limits not enforced',
    );
  };
  client.on('error', warn);
  const sendCommand = (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>;

  return {
    store: (name) => failOpen(new RedisStore({ prefix: `${PREFIX}${name}:`, sendCommand }), warn),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * `RedisStore` loads its scripts once, at init: if Redis was down then, every later call would fail even once Redis
 * is back. So a failure also reloads them (in the background, never an unhandled rejection).
 */
function failOpen(inner: RedisStore, warn: (error: unknown) => void): Store {
  let windowMs = 60_000;
  const reloadScripts = () => {
    inner.incrementScriptSha = inner.loadIncrementScript();
    inner.getScriptSha = inner.loadGetScript();
    inner.incrementScriptSha.catch(() => {});
    inner.getScriptSha.catch(() => {});
  };
  const failed = (error: unknown) => {
    warn(error);
    reloadScripts();
  };
  return {
    prefix: inner.prefix,
    async init(options: Options) {
      windowMs = options.windowMs;
      await inner.init(options).catch(failed);
    },
    async increment(key: string): Promise<IncrementResponse> {
      try {
        return await inner.increment(key);
      } catch (error) {
        failed(error);
        return { totalHits: 1, resetTime: new Date(Date.now() + windowMs) };
      }
    },
    async get(key: string): Promise<ClientRateLimitInfo | undefined> {
      try {
        return await inner.get(key);
      } catch (error) {
        failed(error);
        return undefined;
      }
    },
    async decrement(key: string) {
      await inner.decrement(key).catch(failed);
    },
    async resetKey(key: string) {
      await inner.resetKey(key).catch(failed);
    },
  };
}
