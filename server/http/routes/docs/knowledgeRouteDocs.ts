import * as c from '../../../../contract/index.js';
import type { RouteDoc } from './routeDoc.js';

/** The admin API of a site's knowledge: sources, files, sync and search. */
export const knowledgeRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/admin/sites/{id}/sources',
    auth: 'admin',
    summary: "The site's knowledge sources, newest first (cursor)",
    params: c.IdParams,
    query: c.SourceListQuery,
    response: c.page(c.Source),
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{id}/sources',
    auth: 'admin',
    summary:
      'Add a knowledge source (org:admin): one page (url), a same-origin crawl (website), a sitemap, or a text snippet; it is synced in the background (413 knowledge_limit_reached over the limits)',
    params: c.IdParams,
    body: c.SourceCreate,
    response: c.Source,
    status: 202,
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{id}/sources/files',
    auth: 'admin',
    summary:
      'Add a file as a knowledge source (org:admin; multipart field `file`): PDF, DOCX, HTML, Markdown or plain text up to 20 MB, the type taken from the bytes (415 otherwise); extracted in the background',
    params: c.IdParams,
    multipart: true,
    multipartFields: c.SourceFileFields,
    response: c.Source,
    status: 202,
  },
  {
    method: 'get',
    path: '/v1/admin/sources/{id}',
    auth: 'admin',
    summary: 'A knowledge source with its status, progress and page failures',
    params: c.IdParams,
    response: c.Source,
  },
  {
    method: 'post',
    path: '/v1/admin/sources/{id}/sync',
    auth: 'admin',
    summary: 'Sync a knowledge source again now (org:admin); unchanged pages are skipped',
    params: c.IdParams,
    response: c.Source,
    status: 202,
  },
  {
    method: 'delete',
    path: '/v1/admin/sources/{id}',
    auth: 'admin',
    summary: 'Delete a knowledge source and its passages (org:admin); answers stop using it at once',
    params: c.IdParams,
    status: 204,
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{siteId}/knowledge/search',
    auth: 'admin',
    summary:
      "The passages retrieval would give the model for a question, best first, with their scores (the dashboard's Try a question)",
    params: c.SiteIdParams,
    body: c.KnowledgeSearch,
    response: c.KnowledgeSearchResult,
  },
];
