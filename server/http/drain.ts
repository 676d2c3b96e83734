import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../lib/AppError.js';

/** What a refused client waits before trying again (the balancer has taken this instance out by then, or soon). */
const RETRY_AFTER_SECONDS = 2;

const startsWork = (req: Request) => req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';

/**
 * The graceful stop of one instance, seen from HTTP. Once `start()`ed (SIGTERM), `/readyz` fails so the load balancer
 * takes the instance out, new requests that would start work (sends, retries, uploads, any write) are refused with
 * 503 `draining` and `Retry-After` (a client or proxy retries on another instance), and those already accepted (an
 * answer's event stream included) are counted until they end. Reads keep being served until the server closes.
 */
export function drainGate() {
  let draining = false;
  let active = 0;
  let wake: (() => void) | undefined;
  return {
    get draining() {
      return draining;
    },
    /** Requests that started work and have not ended. */
    get active() {
      return active;
    },
    middleware(req: Request, res: Response, next: NextFunction) {
      if (!startsWork(req)) return next();
      if (draining)
        return next(
          new AppError(503, 'draining', 'This server is restarting; try again', { retryAfterSeconds: RETRY_AFTER_SECONDS }),
        );
      active++;
      res.once('close', () => {
        active--;
        if (active === 0) wake?.();
      });
      next();
    },
    start() {
      draining = true;
    },
    /** Resolves when every request that started work has ended, or after `timeoutMs`; returns how many remain. */
    async idle(timeoutMs: number): Promise<number> {
      if (active > 0)
        await new Promise<void>((resolveIdle) => {
          const timer = setTimeout(resolveIdle, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolveIdle();
          };
        });
      wake = undefined;
      return active;
    },
  };
}
export type DrainGate = ReturnType<typeof drainGate>;
