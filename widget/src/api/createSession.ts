import type { SessionRequest, SessionResponse } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `POST sessions`: the site key (and an earlier token or an identified user) buys a visitor token and the site's look. */
export const createSession = (ctx: ApiContext, body: SessionRequest): Promise<SessionResponse> =>
  requestJson(ctx, 'POST', 'sessions', body);
