import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contract/ApiError.js';
import { errorBody, type Handler, type RecordedRequest, startFakeAdminApi } from '../test/fakeAdminApi.js';
import { buildUrl, createApiClient } from './apiClient.js';

let handler: Handler = () => ({ status: 200, body: {} });
let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi((request) => handler(request));
});
afterAll(() => api.close());

describe('createApiClient', () => {
  it('sends a fresh Bearer token on every request', async () => {
    let n = 0;
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: async () => `token-${++n}` });
    handler = () => ({ status: 200, body: { tenantId: 't', role: 'admin', userId: null } });
    await client.get('me');
    await client.get('me');
    expect(api.requests.slice(-2).map((r) => r.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('sends no Authorization header without a token', async () => {
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: () => null });
    handler = () => ({ status: 200, body: { mode: 'local', clerkPublishableKey: null } });
    await expect(client.get('auth/config')).resolves.toEqual({ mode: 'local', clerkPublishableKey: null });
    expect(api.requests.at(-1)?.authorization).toBeUndefined();
    expect(api.requests.at(-1)?.path).toBe('/v1/admin/auth/config');
  });

  it('sends JSON bodies and returns undefined for 204', async () => {
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: () => 'x' });
    handler = (r) => (r.method === 'DELETE' ? { status: 204 } : { status: 201, body: { echoed: r.body } });
    await expect(client.post('sites', { body: { name: 'Shop' } })).resolves.toEqual({ echoed: { name: 'Shop' } });
    await expect(client.delete('sites/abc')).resolves.toBeUndefined();
  });

  it('sends a FormData body as multipart with its own boundary, never as JSON', async () => {
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: () => 'x' });
    handler = () => ({ status: 202, body: { ok: true } });
    const form = new FormData();
    form.append('title', 'Guide');
    form.append('file', new File(['# Hello'], 'guide.md', { type: 'text/markdown' }));
    await expect(client.post('sites/s/sources/files', { body: form })).resolves.toEqual({ ok: true });
    const sent = api.requests.at(-1) as RecordedRequest;
    expect(sent.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toMatchObject({ title: 'Guide', file: { filename: 'guide.md', type: 'text/markdown' } });
    expect(String((sent.body as { file: { bytes: Buffer } }).file.bytes)).toBe('# Hello');
  });

  it('turns the documented error shape into a typed ApiError', async () => {
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: () => 'wrong' });
    handler = () => ({ status: 401, body: errorBody('unauthorized', 'The admin token is not valid') });
    const error = await client.get('me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', message: 'The admin token is not valid' });
  });

  it('reads Retry-After and survives a non-JSON error body', async () => {
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: () => 'x' });
    handler = () => ({ status: 429, body: errorBody('rate_limited', 'Slow down'), headers: { 'retry-after': '7' } });
    await expect(client.get('stats')).rejects.toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 7 });
    handler = () => ({ status: 502, headers: { 'content-type': 'text/html' } });
    await expect(client.get('stats')).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('reports an unreachable server as a network ApiError', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:9/v1/admin/', getToken: () => 'x' });
    await expect(client.get('me')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('buildUrl', () => {
  it('drops empty query values so equal filters give equal URLs', () => {
    const url = buildUrl('https://h.example/v1/admin/', 'conversations', {
      q: '',
      siteId: undefined,
      hasImages: 'true',
      limit: 25,
    });
    expect(url.href).toBe('https://h.example/v1/admin/conversations?hasImages=true&limit=25');
  });
});
