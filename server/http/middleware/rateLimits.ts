import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Store } from 'express-rate-limit';
import type { VisitorIdentity } from '../../domain/visitorTokens.js';
import { AppError } from '../../lib/AppError.js';
import type { AdminIdentity } from './adminAuth.js';

/** Every limit, per minute; the README's Security section lists them. */
export interface RateLimitSettings {
  /** Messages a visitor may send (or retry). */
  sendsPerVisitorPerMinute: number;
  /** Messages one IP address may send (many visitors behind one address). */
  sendsPerIpPerMinute: number;
  /** Sessions one IP address may start. */
  sessionsPerIpPerMinute: number;
  conversationsPerVisitorPerMinute: number;
  conversationsPerIpPerMinute: number;
  feedbackPerVisitorPerMinute: number;
  /** Requests for a person, and event streams opened (reconnects included), per visitor. */
  handoffsPerVisitorPerMinute: number;
  eventStreamsPerVisitorPerMinute: number;
  /** Lead forms sent (`POST /v1/widget/leads`), per visitor. */
  leadsPerVisitorPerMinute: number;
  /** Images: per visitor, per IP (new sessions do not reset it) and per site (one site cannot take the tenant's storage). */
  uploadsPerVisitorPerMinute: number;
  uploadsPerIpPerMinute: number;
  uploadsPerSitePerMinute: number;
  /** Admin writes (POST/PATCH/PUT/DELETE) per signed-in admin. */
  adminWritesPerMinute: number;
  /** Admin requests refused with 401, per IP address; over it, every admin request from there gets 429. */
  failedAdminAuthsPerIpPerMinute: number;
  /** The window the limits count in; a minute unless set (tests use a short one to see recovery). */
  windowMs?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  sendsPerVisitorPerMinute: 20,
  sendsPerIpPerMinute: 120,
  sessionsPerIpPerMinute: 60,
  conversationsPerVisitorPerMinute: 10,
  conversationsPerIpPerMinute: 60,
  feedbackPerVisitorPerMinute: 30,
  handoffsPerVisitorPerMinute: 10,
  eventStreamsPerVisitorPerMinute: 30,
  leadsPerVisitorPerMinute: 10,
  uploadsPerVisitorPerMinute: 20,
  uploadsPerIpPerMinute: 30,
  uploadsPerSitePerMinute: 120,
  adminWritesPerMinute: 60,
  failedAdminAuthsPerIpPerMinute: 20,
};

/** Every limit out of reach: tests and benchmarks that are not about limits send fast, from one address. */
export const GENEROUS_LIMITS = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((name) => [name, 1_000_000]),
) as unknown as RateLimitSettings;

/**
 * Where the limiters count: one store per limiter (each keeps its own counts). In memory by default;
 * with several instances, a shared store (e.g. `rate-limit-redis`) given here serves every limiter.
 */
export type RateLimitStore = (name: string) => Store;
export const memoryRateLimitStore: RateLimitStore = () => new MemoryStore();

const ipKey = (req: Request) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
const visitorKey = (_req: Request, res: Response) => `v:${(res.locals.visitor as VisitorIdentity).visitorId}`;
const siteKey = (_req: Request, res: Response) => `s:${(res.locals.visitor as VisitorIdentity).siteId}`;
const adminKey = (_req: Request, res: Response) => {
  const admin = res.locals.admin as AdminIdentity;
  return `a:${admin.tenantId}:${admin.userId ?? '-'}`;
};

interface LimiterOptions {
  name: string;
  limit: number;
  key: (req: Request, res: Response) => string;
  /** Named in the 429's message ("Too many messages…"). */
  what: string;
  windowMs: number;
  store: RateLimitStore;
  skip?: (req: Request) => boolean;
  /** Count only requests that end with this status (e.g. 401 for failed sign-ins). */
  countOnlyStatus?: number;
}

/** A fixed-window limiter whose 429 carries `Retry-After` and the documented error shape. */
function limiter(options: LimiterOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: options.name,
    store: options.store(options.name),
    keyGenerator: options.key,
    ...(options.skip ? { skip: options.skip } : {}),
    ...(options.countOnlyStatus
      ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req, res) => res.statusCode !== options.countOnlyStatus }
      : {}),
    handler: (req, _res, next, limiterOptions) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(((resetTime?.getTime() ?? Date.now() + limiterOptions.windowMs) - Date.now()) / 1000),
      );
      next(
        new AppError(429, 'rate_limited', `Too many ${options.what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }),
      );
    },
  });
}

const isRead = (req: Request) => req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';

/** Every limiter of the API, built once per app. Narrow keys go before shared ones: a limited visitor spends no shared budget. */
export function createLimiters(settings: RateLimitSettings, store: RateLimitStore = memoryRateLimitStore) {
  const windowMs = settings.windowMs ?? 60_000;
  const make = (name: string, limit: number, key: LimiterOptions['key'], what: string, extra: Partial<LimiterOptions> = {}) =>
    limiter({ name, limit, key, what, windowMs, store, ...extra });
  return {
    sessionsPerIp: make('sessions-ip', settings.sessionsPerIpPerMinute, ipKey, 'sessions'),
    sendsPerIp: make('sends-ip', settings.sendsPerIpPerMinute, ipKey, 'messages'),
    sendsPerVisitor: make('sends-visitor', settings.sendsPerVisitorPerMinute, visitorKey, 'messages'),
    conversationsPerVisitor: make(
      'conversations-visitor',
      settings.conversationsPerVisitorPerMinute,
      visitorKey,
      'conversations',
    ),
    conversationsPerIp: make('conversations-ip', settings.conversationsPerIpPerMinute, ipKey, 'conversations'),
    feedbackPerVisitor: make('feedback-visitor', settings.feedbackPerVisitorPerMinute, visitorKey, 'ratings'),
    handoffsPerVisitor: make('handoffs-visitor', settings.handoffsPerVisitorPerMinute, visitorKey, 'requests for a person'),
    eventStreamsPerVisitor: make('streams-visitor', settings.eventStreamsPerVisitorPerMinute, visitorKey, 'event streams'),
    leadsPerVisitor: make('leads-visitor', settings.leadsPerVisitorPerMinute, visitorKey, 'lead forms'),
    uploadsPerVisitor: make('uploads-visitor', settings.uploadsPerVisitorPerMinute, visitorKey, 'uploads'),
    uploadsPerIp: make('uploads-ip', settings.uploadsPerIpPerMinute, ipKey, 'uploads'),
    uploadsPerSite: make('uploads-site', settings.uploadsPerSitePerMinute, siteKey, 'uploads to this site'),
    adminWrites: make('admin-writes', settings.adminWritesPerMinute, adminKey, 'changes', { skip: isRead }),
    failedAdminAuth: make('admin-auth-failures', settings.failedAdminAuthsPerIpPerMinute, ipKey, 'failed sign-ins', {
      countOnlyStatus: 401,
    }),
  };
}
export type Limiters = ReturnType<typeof createLimiters>;
