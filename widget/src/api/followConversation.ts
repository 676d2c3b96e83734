import type { ConversationEvents } from '../../../contract/index.js';
import { readEventStream } from '../../../contract/sse.js';
import { type ApiContext, authHeaders, endpoint } from './ApiContext.js';
import { networkError, toApiError } from './ApiError.js';

export type ConversationEvent = {
  [K in keyof ConversationEvents]: { type: K; data: ConversationEvents[K]; id: string | null };
}[keyof ConversationEvents];

/**
 * `GET conversations/:id/events`, read with fetch (EventSource cannot send the Bearer token): agent replies, mode
 * changes. `lastEventId` resumes after the last event seen. Resolves when the server ends the stream (the token
 * expired); rejects with an ApiError when it cannot be opened or drops, and with the AbortError when `signal` stops it.
 */
export async function followConversation(
  ctx: ApiContext,
  conversationId: string,
  lastEventId: string | null,
  onEvent: (event: ConversationEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let res: Response;
  try {
    res = await ctx.fetch(endpoint(ctx, `conversations/${encodeURIComponent(conversationId)}/events`), {
      headers: { ...authHeaders(ctx), accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal,
    });
  } catch (error) {
    throw networkError(error);
  }
  if (!res.ok) throw await toApiError(res);
  await readEventStream(res, ({ event, data, id }) => {
    if (event === 'message' || event === 'mode' || event === 'typing')
      onEvent({ type: event, data: JSON.parse(data), id } as ConversationEvent);
  }).catch((error) => {
    throw networkError(error);
  });
}
