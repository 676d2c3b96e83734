import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminConversation, AdminConversationDetail } from '../../../contract/admin.js';
import type { Lead } from '../../../contract/leads.js';
import type { Site } from '../../../contract/sites.js';
import type { WebhookEvent, WebhookWithSecret } from '../../../contract/webhooks.js';
import { eventually } from '../../test/eventually.js';
import { json } from '../../test/json.js';
import { PAGE_ORIGIN } from '../../test/reliability/seedTenant.js';
import { startTestApp } from '../../test/testApp.js';
import { startWebhookReceiver } from '../../test/webhookReceiver.js';

/**
 * Lead capture over HTTP on the real database: the site setting (PATCH semantics, validation), the session's answer,
 * `POST /v1/widget/leads` (validation, idempotence, timestamps), the copy on the visitor's conversations (admin view,
 * "has lead" filter, export) and `lead.captured` delivered to a real signed-webhook receiver.
 */
const receiver = await startWebhookReceiver();
const app = await startTestApp(import.meta.url, {
  env: { ALLOW_PRIVATE_HOSTS: 'true' },
  services: { webhooks: { backoffMs: 50, maxBackoffMs: 200, timeoutMs: 2000 } },
});
afterAll(async () => {
  await app.close();
  await receiver.close();
});
beforeEach(() => receiver.answerWith(() => ({ status: 200 })));

const patchSite = (id: string, body: unknown) => app.admin(`/v1/admin/sites/${id}`, { method: 'PATCH', json: body });
const leave = (visitor: Awaited<ReturnType<typeof app.startVisitor>>, body: unknown) =>
  visitor.request('/v1/widget/leads', { method: 'POST', json: body });

describe('the site setting', () => {
  it('is off by default, and the widget is told nothing to ask', async () => {
    const site = await app.createSite({ name: 'Default', allowedOrigins: [PAGE_ORIGIN] });
    expect(site.leadCapture).toEqual({ enabled: false, when: 'before', afterMessages: 3, name: 'optional', email: 'required' });
    const visitor = await app.startVisitor(site.publicKey);
    expect(visitor.session.site.leadCapture).toBeNull();
    expect(visitor.session.leadCaptured).toBe(false);
    const refused = await leave(visitor, { email: 'a@b.example' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('lead_capture_off');
  });

  it('changes only the fields a PATCH names, and the session answer carries the form', async () => {
    const site = await app.createSite({ name: 'Patch', leadCapture: { enabled: true, when: 'after', afterMessages: 2 } });
    expect(site.leadCapture).toMatchObject({ enabled: true, when: 'after', afterMessages: 2, email: 'required' });
    const patched = (await json(await patchSite(site.id, { leadCapture: { name: 'required' } }))) as Site;
    expect(patched.leadCapture).toEqual({ enabled: true, when: 'after', afterMessages: 2, name: 'required', email: 'required' });
    const untouched = (await json(await patchSite(site.id, { persona: 'Brief.' }))) as Site;
    expect(untouched.leadCapture).toEqual(patched.leadCapture);
    const visitor = await app.startVisitor(site.publicKey);
    expect(visitor.session.site.leadCapture).toEqual({ when: 'after', afterMessages: 2, name: 'required', email: 'required' });
  });

  it('refuses what is not a setting with 400 and the documented error shape', async () => {
    const site = await app.createSite({ name: 'Invalid' });
    for (const leadCapture of [
      { when: 'sometimes' },
      { afterMessages: 0 },
      { afterMessages: 51 },
      { afterMessages: 2.5 },
      { name: 'maybe' },
      { enabled: 'yes' },
      { enabled: true, extra: 1 },
    ]) {
      const res = await patchSite(site.id, { leadCapture });
      expect(res.status, JSON.stringify(leadCapture)).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(/leadCapture/);
    }
    // Well-formed, but a form that asks for nothing: 422, on create and on a PATCH merged with the stored setting.
    const create = await app.admin('/v1/admin/sites', {
      method: 'POST',
      json: { name: 'Nothing asked', leadCapture: { enabled: true, name: 'off', email: 'off' } },
    });
    expect(create.status).toBe(422);
    expect((await json(create)).error).toMatchObject({
      code: 'invalid_lead_capture',
      details: {
        fields: [{ in: 'body', path: 'leadCapture', code: 'invalid', message: expect.stringMatching(/name or the email/) }],
      },
    });
    expect((await patchSite(site.id, { leadCapture: { name: 'off' } })).status).toBe(200);
    expect((await patchSite(site.id, { leadCapture: { enabled: true, email: 'off' } })).status).toBe(422);
    // Turning it off keeps the fields (both off is fine when it asks nothing).
    expect((await patchSite(site.id, { leadCapture: { name: 'off', email: 'off' } })).status).toBe(200);
  });
});

describe('POST /v1/widget/leads', () => {
  it('validates at the edge: email format, lengths, fields the site does not ask for, required fields, unknown keys', async () => {
    const site = await app.createSite({
      name: 'Validated',
      allowedOrigins: [PAGE_ORIGIN],
      leadCapture: { enabled: true, name: 'off', email: 'required' },
    });
    const visitor = await app.startVisitor(site.publicKey);
    // Each refusal names the field and why in `details.fields` (what the widget's form reads).
    const refusedFields = async (res: Response) =>
      ((await json(res)).error.details?.fields ?? []).map((f: { in: string; path: string; code: string }) => [
        f.in,
        f.path,
        f.code,
      ]);
    for (const [body, fields] of [
      [{ email: 'not an email' }, [['body', 'email', 'invalid_email']]],
      [{ email: `${'a'.repeat(320)}@b.example` }, [['body', 'email', 'too_long']]],
      [{ email: 'a@b.example', phone: '1' }, [['body', 'phone', 'unknown_field']]],
      [{ email: 'a@b.example', conversationId: 'nope' }, [['body', 'conversationId', 'invalid_format']]],
      [{ email: 42 }, [['body', 'email', 'invalid_type']]],
      [[], [['body', '', 'invalid_type']]],
    ] as const) {
      const res = await leave(visitor, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const answer = await json(res.clone());
      expect(answer.error.code).toBe('invalid_request');
      expect(answer.error.message).toMatch(/^Invalid body/);
      expect(await refusedFields(res), JSON.stringify(body)).toEqual(fields);
    }
    // A body that is not a JSON object is refused by the JSON parser already.
    expect((await json(await leave(visitor, 'x'))).error.code).toBe('invalid_json');
    // Well-formed, but not what this site's form takes: 422, the field named with `not_asked` or `required`.
    for (const [body, fields] of [
      [{ email: 'a@b.example', name: 'Ada' }, [['body', 'name', 'not_asked']]],
      [{}, [['body', 'email', 'required']]],
      [{ conversationId: 'a'.repeat(24) }, [['body', 'email', 'required']]],
    ] as const) {
      const res = await leave(visitor, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await json(res.clone())).error.code).toBe('invalid_lead');
      expect(await refusedFields(res), JSON.stringify(body)).toEqual(fields);
    }
    const named = await app.createSite({
      name: 'Named',
      allowedOrigins: [PAGE_ORIGIN],
      leadCapture: { enabled: true, name: 'required', email: 'optional' },
    });
    const other = await app.startVisitor(named.publicKey);
    const nameMissing = await leave(other, { email: 'a@b.example' });
    expect(nameMissing.status).toBe(422);
    expect(await refusedFields(nameMissing)).toEqual([['body', 'name', 'required']]);
    for (const [body, code] of [
      [{ name: '   ' }, 'invalid_format'],
      [{ name: 'x'.repeat(101) }, 'too_long'],
    ] as const) {
      const res = await leave(other, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await refusedFields(res)).toEqual([['body', 'name', code]]);
    }
    // Another visitor's conversation is not found (ids of others are not confirmed).
    const theirs = await visitor.newConversation();
    const res = await leave(other, { name: 'Ada', conversationId: theirs.id });
    expect(res.status).toBe(404);
    expect((await leave(other, { name: 'Ada' })).status).toBe(200);
  });

  it('stores the lead on the visitor and their conversations, idempotently, with timestamps, and emits lead.captured once per change', async () => {
    const hookRes = await app.admin('/v1/admin/webhooks', {
      method: 'POST',
      json: { url: `${receiver.origin}/leads`, events: ['lead.captured'] },
    });
    const hook = (await json(hookRes)) as WebhookWithSecret;
    receiver.trustSecret('/leads', hook.secret);

    const site = await app.createSite({
      name: 'Captured',
      allowedOrigins: [PAGE_ORIGIN],
      leadCapture: { enabled: true, when: 'ungrounded', name: 'optional', email: 'required' },
    });
    const visitor = await app.startVisitor(site.publicKey);
    const first = await visitor.newConversation();
    await visitor.send(first.id, 'Do you ship to Mars?', 'lead-1');

    const res = await leave(visitor, { name: '  Ada Lovelace ', email: 'ada@example.com', conversationId: first.id });
    expect(res.status).toBe(200);
    const lead = (await json(res)) as Lead;
    expect(lead).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(lead.capturedAt).toBe(lead.updatedAt);

    // The same request again: the same lead, no change, no second event.
    const again = (await json(await leave(visitor, { name: 'Ada Lovelace', email: 'ada@example.com' }))) as Lead;
    expect(again).toEqual(lead);

    // Shown on the conversation (list and detail), and on a conversation started after it.
    const detail = (await json(await app.admin(`/v1/admin/conversations/${first.id}`))) as AdminConversationDetail;
    expect(detail.lead).toEqual(lead);
    const second = await visitor.newConversation();
    const later = (await json(await app.admin(`/v1/admin/conversations/${second.id}`))) as AdminConversationDetail;
    expect(later.lead).toEqual(lead);

    // The session says so: the widget does not ask again.
    const resumed = await app.startVisitor(site.publicKey, { visitorToken: visitor.token });
    expect(resumed.session.leadCaptured).toBe(true);

    // A change: a field left out keeps what was stored; capturedAt stays, updatedAt moves.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const changed = (await json(await leave(visitor, { email: 'ada@lovelace.example' }))) as Lead;
    expect(changed).toMatchObject({ name: 'Ada Lovelace', email: 'ada@lovelace.example', capturedAt: lead.capturedAt });
    expect(changed.updatedAt > lead.updatedAt).toBe(true);
    const stored = await app.services.repos.visitors.findById(visitor.session.visitorId);
    expect(stored?.lead).toMatchObject({ name: 'Ada Lovelace', email: 'ada@lovelace.example' });
    for (const id of [first.id, second.id])
      expect(((await json(await app.admin(`/v1/admin/conversations/${id}`))) as AdminConversation).lead).toEqual(changed);

    await eventually(() => receiver.at('/leads').length >= 2, 8000, 'two lead.captured deliveries');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = receiver.at('/leads').map((r) => JSON.parse(r.body) as WebhookEvent);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'lead.captured',
      data: { siteId: site.id, visitorId: visitor.session.visitorId, conversationId: first.id, lead },
    });
    expect(events[1]).toMatchObject({ type: 'lead.captured', data: { conversationId: null, lead: changed } });
  });
});

describe('the dashboard: "has lead" filter and export', () => {
  it('filters the list and the export by lead, and exports the lead fields in CSV, NDJSON and JSON', async () => {
    const site = await app.createSite({
      name: 'Filtered',
      allowedOrigins: [PAGE_ORIGIN],
      leadCapture: { enabled: true, name: 'optional', email: 'optional' },
    });
    const withLead = await app.startVisitor(site.publicKey);
    const without = await app.startVisitor(site.publicKey);
    const a = await withLead.newConversation();
    await withLead.send(a.id, 'Hello', 'f-1');
    const b = await without.newConversation();
    await without.send(b.id, 'Hello', 'f-2');
    expect((await leave(withLead, { name: '=HYPERLINK("x")', email: 'grace@example.com' })).status).toBe(200);

    const ids = async (query: string) =>
      ((await json(await app.admin(`/v1/admin/conversations?siteId=${site.id}&${query}`))).items as AdminConversation[]).map(
        (c) => c.id,
      );
    expect(await ids('hasLead=true')).toEqual([a.id]);
    expect(await ids('hasLead=false')).toEqual([b.id]);
    expect((await ids('')).sort()).toEqual([a.id, b.id].sort());
    expect(await ids('hasLead=true&q=hello')).toEqual([a.id]);
    const bad = await app.admin('/v1/admin/conversations?hasLead=yes');
    expect(bad.status).toBe(400);

    const csv = await (await app.admin(`/v1/admin/exports/conversations?format=csv&siteId=${site.id}&hasLead=true`)).text();
    const rows = parseCsv(csv, { columns: true, bom: true }) as Record<string, string>[];
    expect(new Set(rows.map((r) => r.conversation_id))).toEqual(new Set([a.id]));
    expect(rows[0]).toMatchObject({ lead_name: `'=HYPERLINK("x")`, lead_email: 'grace@example.com' });
    expect(rows[0]?.lead_captured_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const ndjson = await (await app.admin(`/v1/admin/exports/conversations?format=ndjson&siteId=${site.id}`)).text();
    const lines = ndjson
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AdminConversation);
    expect(lines.find((c) => c.id === a.id)?.lead).toMatchObject({ name: '=HYPERLINK("x")', email: 'grace@example.com' });
    expect(lines.find((c) => c.id === b.id)?.lead).toBeNull();
    const array = (await json(
      await app.admin(`/v1/admin/exports/conversations?format=json&siteId=${site.id}&hasLead=false`),
    )) as AdminConversation[];
    expect(array.map((c) => c.id)).toEqual([b.id]);
  });
});
