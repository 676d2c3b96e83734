import type { FieldError } from '../../contract/fieldErrors.js';

/** The one error type: a code clients can branch on, an HTTP status, a message safe to show. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number; details?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
  }
  readonly retryAfterSeconds: number | undefined;
  readonly details: unknown;
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, { details });
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found`);
export const unauthorized = (message = 'Authentication required') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'Not allowed') => new AppError(403, 'forbidden', message);
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const unavailable = (message = 'Service temporarily unavailable', cause?: unknown) =>
  new AppError(503, 'unavailable', message, { cause, retryAfterSeconds: 5 });

/**
 * A request refused for the values of named fields, in the documented shape: the message names the first
 * (`Invalid body.email: …`), `details.fields` lists them all with their codes (`contract/fieldErrors.ts`).
 */
export function invalidFields(status: 400 | 422, code: string, fields: FieldError[]): AppError {
  const first = fields[0];
  const where = first ? [first.in, first.path].filter(Boolean).join('.') : 'request';
  return new AppError(status, code, `Invalid ${where}${first ? `: ${first.message}` : ''}`, { details: { fields } });
}
