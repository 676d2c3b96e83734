import type { HandoffRequest, HandoffResponse } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `POST conversations/:id/handoff`: asks for a person (idempotent); the email is for a reply when no one is online. */
export const requestHandoff = (ctx: ApiContext, conversationId: string, body: HandoffRequest): Promise<HandoffResponse> =>
  requestJson(ctx, 'POST', `conversations/${encodeURIComponent(conversationId)}/handoff`, body);
