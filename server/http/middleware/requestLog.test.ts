import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, logFormatFor } from '../../lib/logger.js';
import { startTestApp, type TestApp } from '../../test/testApp.js';

const lines: Record<string, unknown>[] = [];
let app: TestApp;
beforeAll(async () => {
  const log = createLogger('debug', 'json', { write: (line: string) => void lines.push(JSON.parse(line)) });
  app = await startTestApp(import.meta.url, { log });
});
afterAll(() => app.close());

describe('request log', () => {
  it('logs method, path, status and duration of each request, never its token, query or message text', async () => {
    const site = await app.createSite();
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const secretText = 'my card number is 4111 1111 1111 1111';
    const sent = await visitor.send(conversation.id, secretText, 'c-log-1');
    expect(sent.res.status).toBe(200);
    const unauthorized = await app.request('/v1/admin/sites?token=query-secret-value', { token: 'bearer-secret-value' });
    expect(unauthorized.status).toBe(401);

    const requests = lines.filter((line) => line.msg === 'request');
    const send = requests.find((line) => line.path === `/v1/widget/conversations/${conversation.id}/messages`);
    expect(send).toMatchObject({ method: 'POST', status: 200, level: 30 });
    expect(send?.durationMs).toEqual(expect.any(Number));
    expect(requests).toContainEqual(expect.objectContaining({ method: 'GET', path: '/v1/admin/sites', status: 401 }));

    const written = JSON.stringify(lines);
    for (const secret of [secretText, 'query-secret-value', 'bearer-secret-value', visitor.token, app.adminToken])
      expect(written).not.toContain(secret);
  });

  it('logs health probes at debug only', async () => {
    await app.request('/healthz');
    expect(lines.find((line) => line.path === '/healthz')).toMatchObject({ level: 20, status: 200 });
  });
});

describe('log format', () => {
  it('is readable lines in a terminal outside production, JSON otherwise', () => {
    expect(logFormatFor(true, 'development')).toBe('pretty');
    expect(logFormatFor(true, 'production')).toBe('json');
    expect(logFormatFor(false, 'development')).toBe('json');
  });
});
