import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../lib/AppError.js';
import type { Logger } from '../lib/logger.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Maps anything thrown to the documented error shape; unknown errors never leak their text. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { type?: string; status?: number; statusCode?: number; name?: string; code?: unknown };
  // body-parser's errors carry a `type` and a 4xx status.
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'invalid_json', 'Request body is not valid JSON');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new AppError(status, 'bad_request', 'The request could not be processed');
  const name = e?.name ?? '';
  if (
    /^Mongo(Server)?(Selection|Network|NotConnected|Timeout)|MongoPoolClearedError|MongooseServerSelectionError/.test(name) ||
    (name === 'MongooseError' && /buffering timed out|not connected/i.test(String((error as Error).message)))
  )
    return new AppError(503, 'database_unavailable', 'The database is unavailable; try again shortly', {
      cause: error,
      retryAfterSeconds: 5,
    });
  return new AppError(500, 'internal', 'Something went wrong on our side', { cause: error });
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const appError = toAppError(error);
    if (appError.status >= 500)
      log.error({ err: appError.cause ?? error, method: req.method, url: req.originalUrl }, appError.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (appError.retryAfterSeconds) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    res.status(appError.status).json(errorBody(appError));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};
