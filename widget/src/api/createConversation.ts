import type { Conversation, CreateConversation } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `POST conversations`. */
export const createConversation = (ctx: ApiContext, body: CreateConversation): Promise<Conversation> =>
  requestJson(ctx, 'POST', 'conversations', body);
