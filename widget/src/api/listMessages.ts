import type { Message, Page } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `GET conversations/:id/messages`: the latest `limit` messages, oldest first; `nextCursor` pages back in time. */
export function listMessages(ctx: ApiContext, conversationId: string, limit = 50, cursor?: string): Promise<Page<Message>> {
  const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  return requestJson(ctx, 'GET', `conversations/${encodeURIComponent(conversationId)}/messages?${query}`);
}
