/** Every failure of the widget API as data: HTTP status (0 = network), the server's error code and safe message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isAbort = (error: unknown): boolean => (error as Error | null)?.name === 'AbortError';

/** Turns a non-2xx response with the documented `{"error":{code,message}}` body into an ApiError. */
export async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const retryAfter = Number(res.headers.get('retry-after')) || null;
  return new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? res.statusText, retryAfter);
}

/** fetch rejects with a TypeError when the network is down; that becomes status 0 so callers can tell it apart. */
export const networkError = (cause: unknown): ApiError =>
  isAbort(cause) ? (cause as ApiError) : new ApiError(0, 'network_error', (cause as Error)?.message || 'network error');
