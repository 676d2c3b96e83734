/** A failed API call, carrying the server's documented error shape `{"error":{"code","message"}}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  /** Seconds the server asked us to wait (429/503 `Retry-After`), when given. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, code: string, message: string, retryAfterSeconds: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** 401: the token is missing, wrong or expired. */
export const isUnauthorized = (error: unknown): boolean => isApiError(error) && error.status === 401;
