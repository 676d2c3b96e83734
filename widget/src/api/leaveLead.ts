import type { Lead, LeadRequest } from '../../../contract/index.js';
import type { ApiContext } from './ApiContext.js';
import { requestJson } from './requestJson.js';

/** `POST leads`: the visitor's name and/or email, left through the site's lead form. */
export const leaveLead = (ctx: ApiContext, body: LeadRequest): Promise<Lead> => requestJson(ctx, 'POST', 'leads', body);
