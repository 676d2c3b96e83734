import type { Message, Rating } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `POST messages/:id/feedback`: thumbs up/down on an answer (`null` clears it). */
export const sendFeedback = (ctx: ApiContext, messageId: string, rating: Rating | null): Promise<Message> =>
  requestJson(ctx, 'POST', `messages/${encodeURIComponent(messageId)}/feedback`, { rating });
