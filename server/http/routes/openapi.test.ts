import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test/testApp.js';
import { mountedRoutes } from '../mountedRoutes.js';
import { apiRoutes, openApiDocument } from './openapi.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

/** `POST /v1/admin/sites/{id}`: the table's spelling; Express's `:id` becomes `{id}`. */
const key = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`;
const isApi = (path: string) => path.startsWith('/v1/widget/') || path.startsWith('/v1/admin/');

describe('the OpenAPI route table and the mounted routers', () => {
  const mounted = mountedRoutes(app.app.router).filter((route) => isApi(route.path));

  it('reads the routers (the walk itself finds the API)', () => {
    expect(mounted.length).toBeGreaterThan(10);
    expect(mounted.map((route) => key(route.method, route.path))).toContain('POST /v1/widget/conversations/{id}/messages');
  });

  it('documents every mounted API route', () => {
    const documented = new Set(apiRoutes.map((route) => key(route.method, route.path)));
    expect(mounted.map((route) => key(route.method, route.path)).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('mounts every documented route', () => {
    const served = new Set(mounted.map((route) => key(route.method, route.path)));
    expect(apiRoutes.map((route) => key(route.method, route.path)).filter((k) => !served.has(k))).toEqual([]);
  });

  it('documents a multipart body exactly where a route accepts one', () => {
    const multipartMounted = mounted.filter((route) => route.multipart).map((route) => key(route.method, route.path));
    const multipartDocumented = apiRoutes.filter((route) => route.multipart).map((route) => key(route.method, route.path));
    expect(multipartMounted.sort()).toEqual(multipartDocumented.sort());
    expect(multipartMounted).toContain('POST /v1/widget/images');
  });

  it('serves the document generated from the table', async () => {
    const res = await app.request('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});

describe('multipart bodies', () => {
  const form = () => {
    const body = new FormData();
    body.append('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
    return body;
  };

  it('are refused with 415 on a JSON route, before authentication', async () => {
    const res = await app.request('/v1/widget/sessions', { method: 'POST', body: form() });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });

  it('reach the upload route (which then asks for a visitor)', async () => {
    const res = await app.request('/v1/widget/images', { method: 'POST', body: form() });
    expect(res.status).toBe(401);
  });
});
