import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Webhook, WebhookDelivery, WebhookEvent, WebhookWithSecret } from '../../../contract/webhooks.js';
import { eventually } from '../../test/eventually.js';
import { json } from '../../test/json.js';
import { PAGE_ORIGIN } from '../../test/reliability/seedTenant.js';
import { startTestApp, type TestApp } from '../../test/testApp.js';
import { startWebhookReceiver } from '../../test/webhookReceiver.js';

/**
 * Signed webhooks end to end over HTTP on the real database: a real receiver on 127.0.0.1 (allowed here by
 * ALLOW_PRIVATE_HOSTS) verifies every signature, fails, times out and recovers; deliveries come from the job queue.
 */
const receiver = await startWebhookReceiver();
const app = await startTestApp(import.meta.url, {
  env: { ALLOW_PRIVATE_HOSTS: 'true' },
  services: {
    // Fast retries and a quick automatic disabling, so that a test sees them.
    webhooks: { backoffMs: 50, maxBackoffMs: 200, timeoutMs: 400, maxAttempts: 4, disableAfterFailures: 3, disableAfterMs: 0 },
  },
});
// The same deployment with the default SSRF rule: private addresses refused.
const strict = await startTestApp(new URL('./webhookDelivery.strict.test.ts', import.meta.url).href);
// One that waits long for a receiver (10 s), so a delivery can be held open while visitors chat.
const patient = await startTestApp(new URL('./webhookDelivery.patient.test.ts', import.meta.url).href, {
  env: { ALLOW_PRIVATE_HOSTS: 'true' },
  services: { webhooks: { timeoutMs: 10_000, maxAttempts: 1 } },
});
afterAll(async () => {
  await app.close();
  await strict.close();
  await patient.close();
  await receiver.close();
});

let n = 0;
async function createWebhook(target: TestApp, events: string[], path = `/hook-${n++}`) {
  const res = await target.admin('/v1/admin/webhooks', { method: 'POST', json: { url: receiver.origin + path, events } });
  expect(res.status).toBe(201);
  const hook = (await res.json()) as WebhookWithSecret;
  receiver.trustSecret(path, hook.secret);
  return { hook, path };
}
const deliveries = async (target: TestApp, id: string): Promise<WebhookDelivery[]> =>
  (await json(await target.admin(`/v1/admin/webhooks/${id}/deliveries?limit=100`))).items;
const events = (path: string) => receiver.at(path).map((r) => JSON.parse(r.body) as WebhookEvent);

beforeEach(() => receiver.answerWith(() => ({ status: 200 })));

describe('events, signed', () => {
  it('conversation.created, message.created (question and answer) and feedback.given reach a subscribed endpoint, each signed', async () => {
    const { hook, path } = await createWebhook(app, ['conversation.created', 'message.created', 'feedback.given']);
    const ignored = await createWebhook(app, ['source.failed']);
    const site = await app.createSite({ name: 'Hooks', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const sent = await visitor.send(conversation.id, 'Hello, "quoted", =1+1', 'hook-1');
    const answer = sent.events.find((e) => e.event === 'done')?.data as { id: string };
    await visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'down' } });

    await eventually(() => receiver.at(path).length >= 4, 8000, 'four deliveries');
    const got = events(path);
    expect(got.map((e) => e.type).sort()).toEqual([
      'conversation.created',
      'feedback.given',
      'message.created',
      'message.created',
    ]);
    for (const delivery of receiver.at(path)) {
      expect(delivery.verified).toBe(true);
      const body = JSON.parse(delivery.body) as WebhookEvent;
      expect(delivery.headers['webhook-id']).toBe(body.id);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(body.tenantId).toBe('local');
    }
    const created = got.find((e) => e.type === 'conversation.created');
    expect(created?.data).toMatchObject({ conversation: { id: conversation.id, siteId: site.id } });
    const messages = got.filter((e) => e.type === 'message.created').map((e) => e.data.message as { role: string; text: string });
    expect(messages.map((m) => m.role).sort()).toEqual(['assistant', 'user']);
    expect(messages.find((m) => m.role === 'user')?.text).toBe('Hello, "quoted", =1+1');
    expect(got.find((e) => e.type === 'feedback.given')?.data).toMatchObject({ messageId: answer.id, rating: 'down' });
    expect(receiver.at(ignored.path)).toEqual([]);

    // One log entry per delivery, delivered at the first attempt, with the receiver's answer.
    // Each attempt is logged just after the receiver answered.
    const log = await eventually(() => deliveries(app, hook.id).then((d) => (d.length === 4 ? d : null)), 4000, 'log');
    for (const entry of log)
      expect(entry).toMatchObject({ outcome: 'delivered', attempt: 1, status: 200, error: null, responseExcerpt: 'answer 200' });
  });

  it('handoff.requested at the transition to waiting (once), and source.failed when a sync fails', async () => {
    const { path } = await createWebhook(app, ['handoff.requested', 'source.failed']);
    const site = await app.createSite({ name: 'Handoff hooks', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    for (let i = 0; i < 2; i++)
      await visitor.request(`/v1/widget/conversations/${conversation.id}/handoff`, {
        method: 'POST',
        json: { email: 'v@example.com' },
      });
    receiver.answerWith(({ path: at }) => (at === '/missing-page' ? { status: 404 } : { status: 200 }));
    const source = await json(
      await app.admin(`/v1/admin/sites/${site.id}/sources`, {
        method: 'POST',
        json: { type: 'url', url: `${receiver.origin}/missing-page` },
      }),
    );
    await eventually(() => events(path).some((e) => e.type === 'source.failed'), 8000, 'source.failed');
    const got = events(path);
    expect(got.filter((e) => e.type === 'handoff.requested').map((e) => e.data)).toEqual([
      expect.objectContaining({ conversationId: conversation.id, siteId: site.id }),
    ]);
    expect(got.find((e) => e.type === 'source.failed')?.data).toMatchObject({ sourceId: source.id, siteId: site.id });
  });
});

describe('retries, timeouts, automatic disabling', () => {
  it('a receiver that fails (500), then times out, then recovers gets the same signed event until it is delivered', async () => {
    const { hook, path } = await createWebhook(app, ['conversation.created']);
    receiver.answerWith(({ count }) =>
      count === 1 ? { status: 500, body: 'x'.repeat(2000) } : count === 2 ? { status: 200, delayMs: 1500 } : { status: 204 },
    );
    const site = await app.createSite({ name: 'Flaky', allowedOrigins: [PAGE_ORIGIN] });
    await (await app.startVisitor(site.publicKey)).newConversation();
    await eventually(async () => (await deliveries(app, hook.id)).some((d) => d.outcome === 'delivered'), 10_000, 'delivery');
    const log = (await deliveries(app, hook.id)).reverse();
    expect(log.map((d) => [d.attempt, d.outcome, d.status, d.error])).toEqual([
      [1, 'failed', 500, 'http_status'],
      [2, 'failed', null, 'timeout'],
      [3, 'delivered', 204, null],
    ]);
    expect(log[0]?.responseExcerpt).toHaveLength(500);
    expect(log[0]?.nextAttemptAt).not.toBeNull();
    expect(log[1]?.latencyMs).toBeGreaterThanOrEqual(350);
    expect(log[2]?.nextAttemptAt).toBeNull();
    // Every attempt carried the same event, freshly signed; the receiver verified each.
    const bodies = receiver.at(path);
    expect(new Set(bodies.map((b) => b.body)).size).toBe(1);
    expect(bodies.every((b) => b.verified)).toBe(true);
    // A success ends the failure streak.
    expect(await json(await app.admin(`/v1/admin/webhooks/${hook.id}`))).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it('an endpoint that keeps failing is disabled with a notice; its events stop; enabling it again clears the notice', async () => {
    const { hook, path } = await createWebhook(app, ['conversation.created']);
    receiver.answerWith(() => ({ status: 503 }));
    const site = await app.createSite({ name: 'Down', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await app.startVisitor(site.publicKey);
    await visitor.newConversation();
    const disabled = await eventually(
      async () => {
        const state = (await json(await app.admin(`/v1/admin/webhooks/${hook.id}`))) as Webhook;
        return state.enabled ? null : state;
      },
      10_000,
      'automatic disabling',
    );
    expect(disabled.disabledReason).toMatch(/^Disabled after 3 failed deliveries in a row .*HTTP 503/);
    expect(disabled.disabledAt).not.toBeNull();
    // The disabling attempt's log entry is written just after the endpoint changes.
    const log = await eventually(() => deliveries(app, hook.id).then((d) => (d.length === 3 ? d : null)), 4000, 'log');
    // The attempt that disabled it schedules nothing more.
    expect(log[0]?.nextAttemptAt).toBeNull();
    const before = receiver.at(path).length;
    await visitor.newConversation();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.at(path).length).toBe(before);

    receiver.answerWith(() => ({ status: 200 }));
    const enabled = await json(await app.admin(`/v1/admin/webhooks/${hook.id}`, { method: 'PATCH', json: { enabled: true } }));
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    await visitor.newConversation();
    await eventually(() => receiver.at(path).length > before, 8000, 'delivery after enabling');
  });

  it('a receiver holding a delivery open never holds a send: visitors chat on while it waits', async () => {
    const { hook, path } = await createWebhook(patient, ['message.created']);
    receiver.answerWith((request) => (request.path === path ? { status: 200, delayMs: 2500 } : { status: 200 }));
    const site = await patient.createSite({ name: 'Slow receiver', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await patient.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    expect((await visitor.send(conversation.id, 'First question', 'slow-1')).res.status).toBe(200);
    // The question's delivery reached the receiver, which holds it open (no attempt is logged until it answers).
    await eventually(() => receiver.at(path).length >= 1, 8000, 'held delivery');
    for (const [i, text] of ['Second question', 'Third question'].entries()) {
      const { res, events: sent } = await visitor.send(conversation.id, text, `slow-${i + 2}`);
      expect(res.status).toBe(200);
      expect(sent.map((e) => e.event)).toContain('done');
    }
    // Both sends ended, answers included, while the first delivery was still held.
    expect(await deliveries(patient, hook.id)).toEqual([]);
    await eventually(async () => (await deliveries(patient, hook.id)).some((d) => d.outcome === 'delivered'), 8000, 'delivered');
  });

  it('redirects are not followed: a 302 is a failed attempt', async () => {
    const { hook } = await createWebhook(app, ['conversation.created']);
    receiver.answerWith(() => ({ status: 302, headers: { location: `${receiver.origin}/elsewhere` } }));
    const res = await app.admin(`/v1/admin/webhooks/${hook.id}/test`, { method: 'POST' });
    expect(res.status).toBe(202);
    const [entry] = await eventually(() => deliveries(app, hook.id).then((d) => (d.length ? d : null)), 8000, 'test attempt');
    expect(entry).toMatchObject({
      eventType: 'webhook.test',
      outcome: 'failed',
      status: 302,
      error: 'http_status',
      nextAttemptAt: null,
    });
    expect(receiver.at('/elsewhere')).toEqual([]);
  });
});

describe('test event, rotation, SSRF', () => {
  it('"send test event" delivers a webhook.test event, also to a disabled endpoint; a rotated secret signs from then on', async () => {
    const { hook, path } = await createWebhook(app, ['lead.captured']);
    await app.admin(`/v1/admin/webhooks/${hook.id}`, { method: 'PATCH', json: { enabled: false } });
    const sent = await json(await app.admin(`/v1/admin/webhooks/${hook.id}/test`, { method: 'POST' }));
    await eventually(() => receiver.at(path).length === 1, 8000, 'test event');
    expect(events(path)[0]).toMatchObject({ id: sent.eventId, type: 'webhook.test', data: { webhookId: hook.id } });
    expect(receiver.at(path)[0]?.verified).toBe(true);

    const rotated = (await json(
      await app.admin(`/v1/admin/webhooks/${hook.id}/secret`, { method: 'POST' }),
    )) as WebhookWithSecret;
    expect(rotated.secret).not.toBe(hook.secret);
    await app.admin(`/v1/admin/webhooks/${hook.id}/test`, { method: 'POST' });
    await eventually(() => receiver.at(path).length === 2, 8000, 'second test event');
    // Signed with the new secret: the receiver, still holding the old one, refuses it; with the new one, accepts it.
    expect(receiver.at(path)[1]?.verified).toBe(false);
    receiver.trustSecret(path, rotated.secret);
    await app.admin(`/v1/admin/webhooks/${hook.id}/test`, { method: 'POST' });
    await eventually(() => receiver.at(path).length === 3, 8000, 'third test event');
    expect(receiver.at(path)[2]?.verified).toBe(true);
  });

  it('lead.captured goes out through services.webhooks.emit (the function the lead form calls)', async () => {
    const { path } = await createWebhook(app, ['lead.captured']);
    await app.services.webhooks.emit('local', 'lead.captured', { siteId: 'a'.repeat(24), lead: { email: 'lead@example.com' } });
    await eventually(() => receiver.at(path).length === 1, 8000, 'lead.captured');
    expect(events(path)[0]).toMatchObject({ type: 'lead.captured', data: { lead: { email: 'lead@example.com' } } });
  });

  it('without ALLOW_PRIVATE_HOSTS a loopback receiver is refused before any request (private_address)', async () => {
    const { hook, path } = await createWebhook(strict, ['conversation.created']);
    await strict.admin(`/v1/admin/webhooks/${hook.id}/test`, { method: 'POST' });
    const [entry] = await eventually(() => deliveries(strict, hook.id).then((d) => (d.length ? d : null)), 8000, 'refusal');
    expect(entry).toMatchObject({ outcome: 'failed', status: null, error: 'private_address' });
    expect(receiver.at(path)).toEqual([]);
  });
});
