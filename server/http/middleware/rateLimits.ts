import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../../lib/AppError.js';

export interface RateLimitSettings {
  /** Messages a visitor may send per minute. */
  sendsPerVisitorPerMinute: number;
  /** Messages one IP address may send per minute (many visitors behind one address). */
  sendsPerIpPerMinute: number;
  /** Sessions one IP address may start per minute. */
  sessionsPerIpPerMinute: number;
  /** Images a visitor may upload per minute. */
  uploadsPerVisitorPerMinute: number;
  /** The window the limits count in; a minute unless set (tests use a short one to see recovery). */
  windowMs?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  sendsPerVisitorPerMinute: 20,
  sendsPerIpPerMinute: 120,
  sessionsPerIpPerMinute: 60,
  uploadsPerVisitorPerMinute: 20,
};

const ipKey = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

/** A fixed-window limiter whose 429 carries `Retry-After` and the documented error shape. */
export function limiter(limit: number, key: (req: Request, res: Response) => string, what: string, windowMs = 60_000) {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (req, _res, next, options) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(((resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000),
      );
      next(new AppError(429, 'rate_limited', `Too many ${what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }));
    },
  });
}

export function widgetLimiters(settings: RateLimitSettings) {
  const visitorKey = (_req: Request, res: Response) => `v:${(res.locals.visitor as { visitorId: string }).visitorId}`;
  const windowMs = settings.windowMs;
  return {
    sessionsPerIp: limiter(settings.sessionsPerIpPerMinute, ipKey, 'sessions', windowMs),
    sendsPerIp: limiter(settings.sendsPerIpPerMinute, ipKey, 'messages', windowMs),
    sendsPerVisitor: limiter(settings.sendsPerVisitorPerMinute, visitorKey, 'messages', windowMs),
    uploadsPerVisitor: limiter(settings.uploadsPerVisitorPerMinute, visitorKey, 'uploads', windowMs),
  };
}
