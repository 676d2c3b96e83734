import { z } from 'zod';
import * as c from '../../../../contract/index.js';
import type { RouteDoc } from './routeDoc.js';

/** The owners' data tools: webhooks (org:admin only), the conversation export and the unanswered questions. */
export const dataToolRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/admin/webhooks',
    auth: 'admin',
    summary: "The organization's webhook endpoints (org:admin; members get 403)",
    response: c.page(c.Webhook),
  },
  {
    method: 'post',
    path: '/v1/admin/webhooks',
    auth: 'admin',
    summary: 'Add a webhook endpoint (org:admin); the answer carries its signing secret, shown this once',
    body: c.WebhookCreate,
    response: c.WebhookWithSecret,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/admin/webhooks/{id}',
    auth: 'admin',
    summary: 'A webhook endpoint, with why it was disabled if it was (org:admin)',
    params: c.IdParams,
    response: c.Webhook,
  },
  {
    method: 'patch',
    path: '/v1/admin/webhooks/{id}',
    auth: 'admin',
    summary: 'Change only the fields named (org:admin); enabling it again clears the automatic disabling',
    params: c.IdParams,
    body: c.WebhookUpdate,
    response: c.Webhook,
  },
  {
    method: 'delete',
    path: '/v1/admin/webhooks/{id}',
    auth: 'admin',
    summary: 'Delete a webhook endpoint and its delivery log (org:admin); its pending deliveries are dropped',
    params: c.IdParams,
    status: 204,
  },
  {
    method: 'post',
    path: '/v1/admin/webhooks/{id}/secret',
    auth: 'admin',
    summary: 'Rotate the signing secret (org:admin): the new one signs every delivery from now on and is shown this once',
    params: c.IdParams,
    response: c.WebhookWithSecret,
  },
  {
    method: 'post',
    path: '/v1/admin/webhooks/{id}/test',
    auth: 'admin',
    summary: 'Send a `webhook.test` event to this endpoint (org:admin; one attempt, also when disabled; see the log)',
    params: c.IdParams,
    response: c.WebhookTestResult,
    status: 202,
  },
  {
    method: 'get',
    path: '/v1/admin/webhooks/{id}/deliveries',
    auth: 'admin',
    summary: 'The delivery log, one entry per attempt, newest first (cursor; org:admin)',
    params: c.IdParams,
    query: c.DeliveryListQuery,
    response: c.page(c.WebhookDelivery),
  },
  {
    method: 'get',
    path: '/v1/admin/exports/conversations',
    auth: 'admin',
    summary:
      "The conversations the list's filter selects, with every message, citation and image URL, as a file (attachment): CSV (one row per message, formula cells escaped), NDJSON (one conversation per line) or JSON (an array); streamed",
    query: c.ExportQuery,
    response: z.array(c.ExportedConversation),
    files: ['text/csv', 'application/x-ndjson', 'application/json'],
  },
  {
    method: 'get',
    path: '/v1/admin/sites/{siteId}/unanswered',
    auth: 'admin',
    summary:
      "Visitors' questions the site's knowledge did not answer (answers not grounded, or rated down) over the last `days`, grouped by similarity, most asked first, with counts, examples and when last seen (members may read; the newest 1,000 answers are grouped)",
    params: c.SiteIdParams,
    query: c.UnansweredQuery,
    response: c.page(c.UnansweredGroup),
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{siteId}/unanswered/dismiss',
    auth: 'admin',
    summary:
      "Take answers off the unanswered questions (org:admin), e.g. a group's `answerIds` once its answer was added; the messages stay as they are",
    params: c.SiteIdParams,
    body: c.UnansweredDismiss,
    response: c.UnansweredDismissResult,
  },
];
