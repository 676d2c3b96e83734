import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as c from '../../../contract/index.js';

type Method = RouteConfig['method'];

/**
 * The OpenAPI 3.1 document of both APIs, generated from the contract's zod schemas (the same ones
 * the routes validate with). `routes` is also what the hostile-input and isolation suites walk.
 */
export const apiRoutes: {
  method: Method;
  path: string;
  auth: 'none' | 'visitor' | 'admin';
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  stream?: boolean;
  /** What a stream's events are (the send stream's by default). */
  events?: string;
  multipart?: boolean;
  /** The text fields sent with a multipart `file` (the image upload's by default). */
  multipartFields?: z.ZodObject;
}[] = [
  {
    method: 'post',
    path: '/v1/widget/sessions',
    auth: 'none',
    summary: 'Start or resume a visitor session',
    body: c.SessionRequest,
    response: c.SessionResponse,
  },
  {
    method: 'get',
    path: '/v1/widget/conversations',
    auth: 'visitor',
    summary: "The visitor's conversations",
    query: c.ListQuery,
    response: c.page(c.Conversation),
  },
  {
    method: 'post',
    path: '/v1/widget/conversations',
    auth: 'visitor',
    summary: 'Start a conversation',
    body: c.CreateConversation,
    response: c.Conversation,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/widget/conversations/{id}/messages',
    auth: 'visitor',
    summary: 'Messages, latest page first (each page oldest first)',
    params: c.IdParams,
    query: c.ListQuery,
    response: c.page(c.Message),
  },
  {
    method: 'post',
    path: '/v1/widget/conversations/{id}/messages',
    auth: 'visitor',
    summary: 'Send a message; the answer streams back as Server-Sent Events (message, delta, done | error)',
    params: c.IdParams,
    body: c.SendMessage,
    stream: true,
  },
  {
    method: 'post',
    path: '/v1/widget/conversations/{id}/handoff',
    auth: 'visitor',
    summary:
      'Ask for a person (idempotent): the conversation becomes `waiting`; `email` is kept for a reply when nobody is online',
    params: c.IdParams,
    body: c.HandoffRequest,
    response: c.HandoffResponse,
  },
  {
    method: 'get',
    path: '/v1/widget/conversations/{id}/events',
    auth: 'visitor',
    summary:
      'Live events of a conversation while a person is involved; resumable with Last-Event-ID; ends when the token expires',
    params: c.IdParams,
    stream: true,
    events:
      "text/event-stream, each event with an id: mode {mode, agentsOnline, assignee} (first, without Last-Event-ID), message (a Message: agent replies, the visitor's messages from other tabs), typing {name}; a comment every 20 s",
  },
  {
    method: 'post',
    path: '/v1/widget/messages/{id}/retry',
    auth: 'visitor',
    summary: 'Answer again a failed or stopped answer (event stream)',
    params: c.IdParams,
    stream: true,
  },
  {
    method: 'post',
    path: '/v1/widget/messages/{id}/feedback',
    auth: 'visitor',
    summary: 'Rate an answer',
    params: c.IdParams,
    body: c.Feedback,
    response: c.Message,
  },
  {
    method: 'post',
    path: '/v1/widget/images',
    auth: 'visitor',
    summary: 'Upload an image (multipart field `file`)',
    multipart: true,
    response: c.ImageRef,
    status: 201,
  },
  { method: 'get', path: '/v1/admin/auth/config', auth: 'none', summary: 'How the dashboard signs in', response: c.AuthConfig },
  { method: 'get', path: '/v1/admin/me', auth: 'admin', summary: 'The signed-in admin and tenant', response: c.Me },
  { method: 'get', path: '/v1/admin/sites', auth: 'admin', summary: 'List sites', response: c.page(c.Site) },
  {
    method: 'post',
    path: '/v1/admin/sites',
    auth: 'admin',
    summary: 'Create a site (org:admin); the answer carries the identity secret if verification is on',
    body: c.SiteCreate,
    response: c.SiteWithSecret,
    status: 201,
  },
  { method: 'get', path: '/v1/admin/sites/{id}', auth: 'admin', summary: 'Get a site', params: c.IdParams, response: c.Site },
  {
    method: 'patch',
    path: '/v1/admin/sites/{id}',
    auth: 'admin',
    summary: 'Update only the fields named (org:admin); the answer carries the identity secret if this update made one',
    params: c.IdParams,
    body: c.SiteUpdate,
    response: c.SiteWithSecret,
  },
  {
    method: 'post',
    path: '/v1/admin/sites/{id}/identity-secret',
    auth: 'admin',
    summary: "Reveal the site's identity secret (org:admin); 409 when verification is off",
    params: c.IdParams,
    response: c.IdentitySecret,
  },
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
  {
    method: 'delete',
    path: '/v1/admin/sites/{id}',
    auth: 'admin',
    summary:
      'Delete a site (org:admin): the site is gone at once; its conversations, messages, visitors and images are deleted in the background by the returned job',
    params: c.IdParams,
    response: c.Job,
    status: 202,
  },
  {
    method: 'get',
    path: '/v1/admin/sites/{id}/usage',
    auth: 'admin',
    summary: "The site's model calls today (UTC) against its daily budget",
    params: c.IdParams,
    response: c.SiteUsage,
  },
  {
    method: 'get',
    path: '/v1/admin/jobs/{id}',
    auth: 'admin',
    summary: 'A background job of the tenant (e.g. a site deletion) with its progress',
    params: c.IdParams,
    response: c.Job,
  },
  {
    method: 'get',
    path: '/v1/admin/conversations',
    auth: 'admin',
    summary: 'List conversations (cursor)',
    query: c.ConversationListQuery,
    response: c.page(c.AdminConversation),
  },
  {
    method: 'get',
    path: '/v1/admin/conversations/{id}',
    auth: 'admin',
    summary: 'A conversation with its latest page of messages (messagesCursor pages back)',
    params: c.IdParams,
    response: c.AdminConversationDetail,
  },
  {
    method: 'post',
    path: '/v1/admin/conversations/{id}/takeover',
    auth: 'admin',
    summary: 'Take the conversation over: mode `human`, assigned to the caller (members may)',
    params: c.IdParams,
    response: c.AdminConversation,
  },
  {
    method: 'post',
    path: '/v1/admin/conversations/{id}/release',
    auth: 'admin',
    summary: 'Hand the conversation back to the assistant (mode `ai`)',
    params: c.IdParams,
    response: c.AdminConversation,
  },
  {
    method: 'post',
    path: '/v1/admin/conversations/{id}/close',
    auth: 'admin',
    summary: "Close the conversation (the visitor's next message goes back to the assistant)",
    params: c.IdParams,
    response: c.AdminConversation,
  },
  {
    method: 'post',
    path: '/v1/admin/conversations/{id}/messages',
    auth: 'admin',
    summary: "An agent's reply (role `agent`, with its author); replying takes the conversation over",
    params: c.IdParams,
    body: c.AgentReply,
    response: c.Message,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/admin/conversations/{id}/messages',
    auth: 'admin',
    summary: "A conversation's messages, latest page first (each page oldest first)",
    params: c.IdParams,
    query: c.ListQuery,
    response: c.page(c.Message),
  },
  {
    method: 'delete',
    path: '/v1/admin/conversations/{id}',
    auth: 'admin',
    summary: 'Delete a conversation, its messages and images (org:admin)',
    params: c.IdParams,
    status: 204,
  },
  {
    method: 'get',
    path: '/v1/admin/events',
    auth: 'admin',
    summary: "The tenant's live inbox; while open, its agent counts as online; resumable with Last-Event-ID",
    stream: true,
    events:
      'text/event-stream, each event with an id: conversation (the admin conversation view, on every mode or unread change), message {conversationId, message}; a comment every 20 s',
  },
  {
    method: 'get',
    path: '/v1/admin/images',
    auth: 'admin',
    summary: 'List images (cursor)',
    query: c.ImageListQuery,
    response: c.page(c.AdminImage),
  },
  {
    method: 'get',
    path: '/v1/admin/stats',
    auth: 'admin',
    summary: 'Per-day counts and ratings',
    query: c.StatsQuery,
    response: c.Stats,
  },
];

export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'visitorToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'From POST /v1/widget/sessions',
  });
  registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Clerk session token or the local admin token',
  });
  const errorResponse = { description: 'Error', content: { 'application/json': { schema: c.ErrorBody } } };
  for (const route of apiRoutes) {
    const status = String(route.status ?? 200);
    const success = route.stream
      ? {
          description:
            route.events ??
            'text/event-stream of message, delta, done | error events; while a person is involved: message, then delivered {mode, agentsOnline, assignee, handoffRequested} and no answer',
          content: { 'text/event-stream': { schema: z.string() } },
        }
      : route.response
        ? { description: 'OK', content: { 'application/json': { schema: route.response } } }
        : { description: 'No content' };
    registry.registerPath({
      method: route.method,
      path: route.path,
      summary: route.summary,
      security: route.auth === 'none' ? [] : [{ [route.auth === 'visitor' ? 'visitorToken' : 'adminToken']: [] }],
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { content: { 'application/json': { schema: route.body } } } } : {}),
        ...(route.multipart
          ? {
              body: {
                content: {
                  'multipart/form-data': { schema: (route.multipartFields ?? c.ImageUploadFields).extend({ file: z.string() }) },
                },
              },
            }
          : {}),
      },
      responses: { [status]: success, '4XX': errorResponse, '503': errorResponse },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'chatwidget API',
      version: '1.0.0',
      description: [
        'Widget API (visitor tokens) and admin API (Clerk or local token).',
        `JSON request bodies are limited to ${c.JSON_BODY_LIMIT_KB} KB (413 beyond), whatever their schema allows.`,
        'An operation that takes query parameters refuses ones it does not list (400), like unknown body properties.',
      ].join(' '),
    },
  });
}
