import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../lib/logger.js';

/** Probes a load balancer sends every few seconds: logged at debug, not info. */
const PROBES = new Set(['/healthz', '/readyz']);

/** The request's path without its query string (which may carry what must not be logged). */
export const requestPath = (req: Request) => req.originalUrl.split('?')[0] ?? '/';

/**
 * One line per request once its response ended: method, path, status and duration. Only the path: no query string,
 * headers or body, so a token or a visitor's message never reaches the logs.
 */
export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const path = requestPath(req);
    res.once('close', () => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const line = {
        method: req.method,
        path,
        status: res.statusCode,
        durationMs,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (PROBES.has(path)) log.debug(line, 'request');
      else log.info(line, 'request');
    });
    next();
  };
}
