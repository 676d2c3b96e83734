// The one error type of the two browser clients (widget and dashboard). No zod, so the widget can bundle it.
import type { FieldError } from './fieldErrors.js';

/** A failed API call as data: HTTP status (0 = network), the server's error code and safe message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the server asked us to wait (429/503 `Retry-After`), when given. */
    readonly retryAfterSeconds: number | null = null,
    /** The fields a refused request named (`details.fields`), each with its stable code; empty otherwise. */
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** 401: the token is missing, wrong or expired. */
export const isUnauthorized = (error: unknown): boolean => isApiError(error) && error.status === 401;

/** `details.fields` as sent, keeping only entries of the documented shape (a proxy or an older server may send other). */
const fieldsIn = (details: unknown): FieldError[] => {
  const fields = (details as { fields?: unknown } | null)?.fields;
  return Array.isArray(fields)
    ? fields.filter(
        (f): f is FieldError =>
          typeof f?.in === 'string' && typeof f.path === 'string' && typeof f.code === 'string' && typeof f.message === 'string',
      )
    : [];
};

/**
 * A non-2xx answer as an ApiError, from its parsed body (the documented `{"error":{code,message,details}}`; anything
 * else, such as a proxy's HTML page, keeps status-based defaults) and its `Retry-After` header in seconds.
 */
export function apiErrorFrom(status: number, body: unknown, fallbackMessage: string, retryAfter?: string | null): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
  const seconds = Number(retryAfter);
  return new ApiError(
    status,
    text(error?.code, `http_${status}`),
    text(error?.message, fallbackMessage),
    seconds > 0 ? seconds : null,
    fieldsIn(error?.details),
  );
}

/** Reads a failed fetch `Response` into an ApiError. */
export const toApiError = async (res: Response): Promise<ApiError> =>
  apiErrorFrom(
    res.status,
    await res.json().catch(() => null),
    res.statusText || `http ${res.status}`,
    res.headers.get('retry-after'),
  );
