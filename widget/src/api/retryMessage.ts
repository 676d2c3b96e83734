import type { ApiContext } from './ApiContext.js';
import { type StreamEvent, streamAnswer } from './streamAnswer.js';

/** `POST messages/:id/retry`: regenerates a failed or stopped answer, as the same event stream as sending. */
export const retryMessage = (
  ctx: ApiContext,
  messageId: string,
  onEvent: (event: StreamEvent) => void,
  signal?: AbortSignal,
): Promise<void> => streamAnswer(ctx, `messages/${encodeURIComponent(messageId)}/retry`, {}, onEvent, signal);
