import type { Conversation, Page } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `GET conversations`: the visitor's conversations, newest activity first. */
export const listConversations = (ctx: ApiContext, limit = 1): Promise<Page<Conversation>> =>
  requestJson(ctx, 'GET', `conversations?limit=${limit}`);
