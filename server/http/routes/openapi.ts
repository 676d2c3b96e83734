import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as c from '../../../contract/index.js';
import { adminRouteDocs } from './docs/adminRouteDocs.js';
import { dataRouteDocs } from './docs/dataRouteDocs.js';
import { dataToolRouteDocs } from './docs/dataToolRouteDocs.js';
import { knowledgeRouteDocs } from './docs/knowledgeRouteDocs.js';
import type { RouteDoc } from './docs/routeDoc.js';
import { widgetRouteDocs } from './docs/widgetRouteDocs.js';

/**
 * The OpenAPI 3.1 document of both APIs, generated from the contract's zod schemas (the same ones
 * the routes validate with). `apiRoutes` (one table per area under docs/) is also what the hostile-input and isolation suites walk.
 */
export const apiRoutes: RouteDoc[] = [
  ...widgetRouteDocs,
  ...adminRouteDocs,
  ...knowledgeRouteDocs,
  ...dataRouteDocs,
  ...dataToolRouteDocs,
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
      : route.files && route.response
        ? {
            description: 'A file, by the `format` asked for',
            content: Object.fromEntries(
              route.files.map((type) => [type, { schema: type === 'application/json' ? route.response : z.string() }]),
            ),
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
