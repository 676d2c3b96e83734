import { afterAll, describe, expect, it } from 'vitest';
import type { WebhookWithSecret } from '../../../contract/webhooks.js';
import { clerkTestKit } from '../../test/clerkTokens.js';
import { json } from '../../test/json.js';
import { startTestApp } from '../../test/testApp.js';

const clerk = await clerkTestKit();
const app = await startTestApp(import.meta.url, { adminAuth: clerk.auth });
afterAll(() => app.close());

const { admin, member, otherAdmin } = await clerk.orgSessions();

const create = (body: unknown, token = admin) => app.admin('/v1/admin/webhooks', { token, method: 'POST', json: body });

describe('/v1/admin/webhooks', () => {
  it('creates an endpoint whose secret is shown once (create and rotate), never in reads', async () => {
    const res = await create({
      url: 'https://hooks.example.com/in',
      events: ['message.created', 'message.created'],
      description: ' CRM ',
    });
    expect(res.status).toBe(201);
    const hook = (await res.json()) as WebhookWithSecret;
    expect(hook).toMatchObject({
      url: 'https://hooks.example.com/in',
      events: ['message.created'],
      enabled: true,
      description: 'CRM',
      disabledReason: null,
      consecutiveFailures: 0,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin });
    const listed = await app.admin('/v1/admin/webhooks', { token: admin });
    for (const text of [await read.text(), await listed.text()]) expect(text).not.toContain(hook.secret);
    const rotated = (await json(
      await app.admin(`/v1/admin/webhooks/${hook.id}/secret`, { token: admin, method: 'POST' }),
    )) as WebhookWithSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
  });

  it('PATCH changes only the fields it names', async () => {
    const hook = (await json(
      await create({ url: 'https://a.example/h', events: ['feedback.given'], description: 'keep' }),
    )) as WebhookWithSecret;
    const patched = await json(
      await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin, method: 'PATCH', json: { events: ['lead.captured'] } }),
    );
    expect(patched).toMatchObject({ url: 'https://a.example/h', events: ['lead.captured'], description: 'keep', enabled: true });
    const off = await json(
      await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin, method: 'PATCH', json: { enabled: false } }),
    );
    // Disabled by an admin: no automatic-disabling notice.
    expect(off).toMatchObject({ enabled: false, disabledReason: null, events: ['lead.captured'] });
  });

  it('refuses bad input with 400 in the error shape, naming the refused field', async () => {
    for (const [body, path, code] of [
      [{}, 'url', 'required'],
      [{ url: 'https://a.example', events: [] }, 'events', 'too_few'],
      [{ url: 'https://a.example', events: ['nope'] }, 'events.0', 'invalid_value'],
      [{ url: 'ftp://a.example', events: ['message.created'] }, 'url', 'invalid_format'],
      [{ url: 'javascript:alert(1)', events: ['message.created'] }, 'url', 'invalid_format'],
      // Credentials in the URL are the domain's check, not the schema's: the same shape.
      [{ url: 'https://user:pass@a.example/', events: ['message.created'] }, 'url', 'invalid_url'],
      [{ url: 'not a url', events: ['message.created'] }, 'url', 'invalid_url'],
      [{ url: 'https://a.example', events: ['message.created'], secret: 'mine' }, 'secret', 'unknown_field'],
      [{ url: `https://a.example/${'x'.repeat(2100)}`, events: ['message.created'] }, 'url', 'too_long'],
    ] as const) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe('invalid_request');
      expect(error.details.fields[0], JSON.stringify(body).slice(0, 80)).toMatchObject({ in: 'body', path, code });
    }
    expect((await app.admin('/v1/admin/webhooks/nothex', { token: admin })).status).toBe(400);
    expect((await app.admin(`/v1/admin/webhooks/${'a'.repeat(24)}/deliveries?limit=0`, { token: admin })).status).toBe(400);
  });

  it('is for org:admin only: members get 403 on every route, reads included', async () => {
    const hook = (await json(await create({ url: 'https://b.example/h', events: ['message.created'] }))) as WebhookWithSecret;
    const calls: [string, string, object?][] = [
      ['GET', '/v1/admin/webhooks'],
      ['POST', '/v1/admin/webhooks', { url: 'https://m.example', events: ['message.created'] }],
      ['GET', `/v1/admin/webhooks/${hook.id}`],
      ['PATCH', `/v1/admin/webhooks/${hook.id}`, { enabled: false }],
      ['DELETE', `/v1/admin/webhooks/${hook.id}`],
      ['POST', `/v1/admin/webhooks/${hook.id}/secret`],
      ['POST', `/v1/admin/webhooks/${hook.id}/test`],
      ['GET', `/v1/admin/webhooks/${hook.id}/deliveries`],
    ];
    for (const [method, path, body] of calls) {
      const res = await app.admin(path, { token: member, method, ...(body ? { json: body } : {}) });
      expect(`${method} ${path} → ${res.status}`).toBe(`${method} ${path} → 403`);
      expect((await json(res)).error.code).toBe('forbidden');
    }
    expect(await json(await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin }))).toMatchObject({ enabled: true });
  });

  it("another organization's admin gets 404 and never sees the endpoint", async () => {
    const hook = (await json(await create({ url: 'https://c.example/h', events: ['message.created'] }))) as WebhookWithSecret;
    for (const [method, path] of [
      ['GET', `/v1/admin/webhooks/${hook.id}`],
      ['PATCH', `/v1/admin/webhooks/${hook.id}`],
      ['DELETE', `/v1/admin/webhooks/${hook.id}`],
      ['POST', `/v1/admin/webhooks/${hook.id}/secret`],
      ['POST', `/v1/admin/webhooks/${hook.id}/test`],
      ['GET', `/v1/admin/webhooks/${hook.id}/deliveries`],
    ] as const) {
      const res = await app.admin(path, {
        token: otherAdmin,
        method,
        ...(method === 'PATCH' ? { json: { enabled: false } } : {}),
      });
      expect(`${method} ${path} → ${res.status}`).toBe(`${method} ${path} → 404`);
    }
    const list = await app.admin('/v1/admin/webhooks', { token: otherAdmin });
    expect(await list.text()).not.toContain(hook.id);
  });

  it('delete removes the endpoint (then 404)', async () => {
    const hook = (await json(await create({ url: 'https://d.example/h', events: ['message.created'] }))) as WebhookWithSecret;
    expect((await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin, method: 'DELETE' })).status).toBe(204);
    expect((await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin })).status).toBe(404);
    expect((await app.admin(`/v1/admin/webhooks/${hook.id}`, { token: admin, method: 'DELETE' })).status).toBe(404);
  });
});
