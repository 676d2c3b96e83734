import { isCancelledError } from '@tanstack/query-core';
import { ApiError, isAbort } from '../api/ApiError.js';
import type { Strings } from '../i18n/locales.js';
import type { Emit } from '../types.js';

/** A sentence shown above the composer, by its key in the strings. */
export type Notice = keyof Strings;

/** Maps an API error code to the sentence shown for it. */
export const noticeFor = (code: string | null): Notice =>
  code === 'rate_limited'
    ? 'rateLimited'
    : code === 'network_error' || code === 'stream_interrupted'
      ? 'connectionLost'
      : 'failed';

/** Tells the page (`ChatWidget.on('error')`) about a failure; aborts and queries cancelled by `identify` are not failures. */
export function reportError(emit: Emit, error: unknown): void {
  if (isAbort(error) || isCancelledError(error)) return;
  const e = error instanceof ApiError ? error : new ApiError(0, 'error', String((error as Error)?.message ?? error));
  emit('error', { code: e.code, message: e.message });
}
