import type { SendStreamEvents } from '../../../contract/index.js';
import { readEventStream } from '../../../contract/sse.js';
import { type ApiContext, authHeaders, endpoint } from './ApiContext.js';
import { ApiError, isAbort, networkError, toApiError } from './ApiError.js';

export type StreamEvent = { [K in keyof SendStreamEvents]: { type: K; data: SendStreamEvents[K] } }[keyof SendStreamEvents];

/**
 * POSTs and reads the answer's event stream (`message`, `delta`*, `done` | `error`; or `message`, `delivered` while a
 * person has the conversation). Resolves once the last event arrived; rejects with an ApiError when the request fails
 * before streaming (ordinary JSON error) or the connection drops before the last event (`stream_interrupted`), and
 * with the AbortError when `signal` stops it.
 */
export async function streamAnswer(
  ctx: ApiContext,
  path: string,
  body: unknown,
  onEvent: (event: StreamEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  let finished = false;
  try {
    const res = await ctx.fetch(endpoint(ctx, path), {
      method: 'POST',
      headers: { ...authHeaders(ctx), 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await toApiError(res);
    await readEventStream(res, ({ event, data }) => {
      const last = event === 'done' || event === 'delivered' || event === 'error';
      if (event !== 'message' && event !== 'delta' && !last) return;
      finished ||= last;
      onEvent({ type: event, data: JSON.parse(data) } as StreamEvent);
    }).catch((error) => {
      // The answer had started: a failure now is the connection dropping mid-stream.
      if (isAbort(error) || error instanceof SyntaxError) throw error;
      finished = false;
    });
  } catch (error) {
    if (error instanceof ApiError || error instanceof SyntaxError) throw error;
    throw networkError(error);
  }
  if (!finished) throw new ApiError(0, 'stream_interrupted', 'the connection closed before the answer finished');
}
