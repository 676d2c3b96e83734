import { ApiError } from '../../../contract/ApiError.js';

// The widget's api layer hands its callers the one ApiError of both clients.
export { ApiError, toApiError } from '../../../contract/ApiError.js';

export const isAbort = (error: unknown): boolean => (error as Error | null)?.name === 'AbortError';

/** fetch rejects with a TypeError when the network is down; that becomes status 0 so callers can tell it apart. */
export const networkError = (cause: unknown): ApiError =>
  isAbort(cause) ? (cause as ApiError) : new ApiError(0, 'network_error', (cause as Error)?.message || 'network error');
