import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../lib/AppError.js';
import type { Logger } from '../lib/logger.js';
import { requestPath } from './middleware/requestLog.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Driver-side errors that mean "the database cannot be reached right now", not a bad request or a bug. */
const DRIVER_UNAVAILABLE =
  /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed|ClientClosed|ServerClosed|PoolCleared|PoolClosed|OperationTimeout|WaitQueueTimeout|StalePrimary|UnexpectedServerResponse)Error$|^PoolClearedOnNetworkError$|^MongooseServerSelectionError$/;

/** Server answers of a database that is shutting down or stepping down: MongoDB's codes for it. */
const SERVER_GOING_AWAY = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/**
 * FerretDB answers a command cut short by its own shutdown with `InternalError` (code 1) and the Go error's text
 * (`ProtocolError` in its clientconn): its context was canceled or its SQLite pool already closed.
 */
const INTERNAL_WHILE_STOPPING = /context canceled|database is closed|connection reset|broken pipe/i;

/**
 * The driver writing a command to a connection the database closed meanwhile: Node's own socket error, thrown
 * unwrapped from the driver's `writeCommand` (seen when the database stops while a send's first command, an insert,
 * goes out). Over a Unix socket it is the failed system call's error (`write EPIPE`, `syscall: 'write'`).
 */
const SOCKET_ENDED = /This socket has been ended by the other party/;

/**
 * Whether `error` means the database cannot serve right now (to be tried again), looking through the wrappers the
 * driver puts around it (a bulk write's `errorResponse`, a `cause`).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const e = error as {
    name?: string;
    message?: unknown;
    code?: unknown;
    syscall?: unknown;
    errorResponse?: unknown;
    cause?: unknown;
  };
  const name = e.name ?? '';
  const message = String(e.message ?? '');
  if (DRIVER_UNAVAILABLE.test(name)) return true;
  if (e.code === 'EPIPE' && (SOCKET_ENDED.test(message) || e.syscall === 'write')) return true;
  if (name === 'MongooseError' && /buffering timed out|not connected|force closed|must be connected/i.test(message)) return true;
  if (/^Mongo(Server|BulkWrite|WriteConcern)Error$/.test(name)) {
    if (typeof e.code === 'number' && SERVER_GOING_AWAY.has(e.code)) return true;
    if (e.code === 1 && INTERNAL_WHILE_STOPPING.test(message)) return true;
  }
  return isDatabaseUnavailable(e.errorResponse, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

/** Maps anything thrown to the documented error shape; unknown errors never leak their text. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { type?: string; status?: number; statusCode?: number };
  // body-parser's errors carry a `type` and a 4xx status.
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'invalid_json', 'Request body is not valid JSON');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new AppError(status, 'bad_request', 'The request could not be processed');
  if (isDatabaseUnavailable(error))
    return new AppError(503, 'database_unavailable', 'The database is unavailable; try again shortly', {
      cause: error,
      retryAfterSeconds: 5,
    });
  // The embedded database's SQLite was busy past its wait: the request may simply be tried again.
  if (/SQLITE_BUSY|database is locked/.test(String((error as Error)?.message)))
    return new AppError(503, 'database_busy', 'The database is busy; try again shortly', { cause: error, retryAfterSeconds: 1 });
  return new AppError(500, 'internal', 'Something went wrong on our side', { cause: error });
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const appError = toAppError(error);
    if (appError.status >= 500)
      log.error({ err: appError.cause ?? error, method: req.method, path: requestPath(req) }, appError.message);
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
