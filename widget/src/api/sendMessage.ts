import type { SendMessage } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { type StreamEvent, streamAnswer } from './streamAnswer.js';

/** `POST conversations/:id/messages`: stores the visitor's message and streams the answer. */
export const sendMessage = (
  ctx: ApiContext,
  conversationId: string,
  body: SendMessage,
  onEvent: (event: StreamEvent) => void,
  signal?: AbortSignal,
): Promise<void> => streamAnswer(ctx, `conversations/${encodeURIComponent(conversationId)}/messages`, body, onEvent, signal);
