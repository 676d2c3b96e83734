import * as c from '../../../../contract/index.js';
import type { RouteDoc } from './routeDoc.js';

/** The admin API of the owners' data tools of a site: erasure and the records of removals. */
export const dataRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/admin/sites/{siteId}/erasures',
    auth: 'admin',
    summary:
      'Erase a visitor, or every visitor of an identified user id (org:admin): their conversations, messages, images, in-flight answers and lead; answers the stored receipt of counts',
    params: c.SiteIdParams,
    body: c.ErasureRequest,
    response: c.RemovalRecord,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/admin/sites/{siteId}/removals',
    auth: 'admin',
    summary: "The site's erasure receipts and daily retention runs, newest first (cursor)",
    params: c.SiteIdParams,
    query: c.ListQuery,
    response: c.page(c.RemovalRecord),
  },
];
