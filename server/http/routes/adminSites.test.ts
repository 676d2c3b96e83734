import { afterAll, describe, expect, it } from 'vitest';
import { SiteUpdate } from '../../../contract/sites.js';
import { userHashFor } from '../../domain/sessionService.js';
import { clerkTestKit } from '../../test/clerkTokens.js';
import { json } from '../../test/json.js';
import { startTestApp } from '../../test/testApp.js';

const clerk = await clerkTestKit();
const app = await startTestApp(import.meta.url, { adminAuth: clerk.auth });
afterAll(() => app.close());

const { admin, member, otherAdmin } = await clerk.orgSessions();

/** A site whose every field differs from its default, so a field reset to its default shows. */
const createFull = () =>
  app.admin('/v1/admin/sites', {
    token: admin,
    method: 'POST',
    json: {
      name: 'Full',
      allowedOrigins: ['https://a.example', 'https://*.b.example'],
      look: {
        title: 'Ask us',
        accentColor: '#112233',
        position: 'bottom-left',
        greeting: 'Hello there',
        starterPrompts: ['One?', 'Two?'],
        zIndex: 42,
      },
      persona: 'Be brief.',
      model: 'gemini-custom',
      temperature: 0.9,
      faq: [{ question: 'Hours?', answer: 'Nine to five.' }],
      dailyModelCalls: 77,
      identityVerification: true,
    },
  });

const get = async (id: string, token = admin) => json(await app.admin(`/v1/admin/sites/${id}`, { token }));
const patch = (id: string, body: unknown, token = admin) =>
  app.admin(`/v1/admin/sites/${id}`, { token, method: 'PATCH', json: body });
const reveal = (id: string, token = admin) => app.admin(`/v1/admin/sites/${id}/identity-secret`, { token, method: 'POST' });

/**
 * Per field of `SiteUpdate`: a PATCH naming only it, and what the site's view must then show for it
 * (`undefined`: no visible field changes).
 */
const ONE_FIELD: Record<string, { body: Record<string, unknown>; expect: (before: Record<string, unknown>) => object }> = {
  name: { body: { name: 'Renamed' }, expect: () => ({ name: 'Renamed' }) },
  allowedOrigins: { body: { allowedOrigins: ['https://c.example'] }, expect: () => ({ allowedOrigins: ['https://c.example'] }) },
  look: {
    body: { look: { greeting: 'Changed' } },
    expect: (before) => ({ look: { ...(before.look as object), greeting: 'Changed' } }),
  },
  persona: { body: { persona: 'Be thorough.' }, expect: () => ({ persona: 'Be thorough.' }) },
  model: { body: { model: null }, expect: () => ({ model: null }) },
  temperature: { body: { temperature: 1.5 }, expect: () => ({ temperature: 1.5 }) },
  faq: { body: { faq: [] }, expect: () => ({ faq: [] }) },
  dailyModelCalls: { body: { dailyModelCalls: 5 }, expect: () => ({ dailyModelCalls: 5 }) },
  rotateIdentitySecret: { body: { rotateIdentitySecret: true }, expect: () => ({}) },
  identityVerification: { body: { identityVerification: false }, expect: () => ({ identityVerification: false }) },
  handoffEmails: { body: { handoffEmails: ['owner@shop.example'] }, expect: () => ({ handoffEmails: ['owner@shop.example'] }) },
  retentionDays: { body: { retentionDays: 90 }, expect: () => ({ retentionDays: 90 }) },
  leadCapture: {
    body: { leadCapture: { enabled: true } },
    expect: (before) => ({ leadCapture: { ...(before.leadCapture as object), enabled: true } }),
  },
};

describe('PATCH /v1/admin/sites/:id changes only what it names', () => {
  it('the table names every field of the update schema', () => {
    expect(Object.keys(ONE_FIELD).sort()).toEqual(Object.keys(SiteUpdate.shape).sort());
  });

  it('the update schema adds nothing the request did not name (no defaults)', () => {
    expect(SiteUpdate.parse({})).toEqual({});
    for (const [field, { body }] of Object.entries(ONE_FIELD))
      expect(Object.keys(SiteUpdate.parse(body)), field).toEqual([field]);
  });

  it('for every field, a PATCH naming only it leaves every other field as it was', async () => {
    const created = await json(await createFull());
    for (const [field, { body, expect: expected }] of Object.entries(ONE_FIELD)) {
      const before = await get(created.id);
      const res = await patch(created.id, body);
      expect(res.status, field).toBe(200);
      const answered = await json(res);
      const after = await get(created.id);
      expect(after, field).toEqual({ ...before, ...expected(before), updatedAt: after.updatedAt });
      const { identitySecret: _secret, ...answeredView } = answered;
      expect(answeredView, field).toEqual(after);
    }
    // An empty PATCH changes nothing at all.
    const before = await get(created.id);
    expect(await json(await patch(created.id, {}))).toMatchObject({ ...before, updatedAt: expect.any(String) });
  });

  it('rotating the secret keeps the allowed origins, so the widget keeps starting on the customer pages', async () => {
    const created = await json(await createFull());
    expect((await patch(created.id, { rotateIdentitySecret: true })).status).toBe(200);
    const session = await app.request('/v1/widget/sessions', {
      method: 'POST',
      headers: { origin: 'https://a.example' },
      json: { siteKey: created.publicKey },
    });
    expect(session.status).toBe(200);
  });
});

describe('the identity secret is shown to org:admin only, and only when made or revealed', () => {
  it('is in the answer that creates it, then never in a read, for admins or members', async () => {
    const res = await createFull();
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.identitySecret).toMatch(/^[a-f0-9]{64}$/);
    expect(created.identityVerification).toBe(true);
    for (const token of [admin, member]) {
      const one = await app.admin(`/v1/admin/sites/${created.id}`, { token });
      const list = await app.admin('/v1/admin/sites', { token });
      for (const text of [await one.text(), await list.text()]) {
        expect(text).not.toContain(created.identitySecret);
        expect(text).not.toContain('identitySecret');
      }
      expect(await get(created.id, token)).toMatchObject({ identityVerification: true });
    }
    const off = await json(await app.admin('/v1/admin/sites', { token: admin, method: 'POST', json: { name: 'Off' } }));
    expect(off).toMatchObject({ identityVerification: false });
    expect(off).not.toHaveProperty('identitySecret');
  });

  it('a PATCH answers the new secret only when it made one (rotation or turning verification on)', async () => {
    const created = await json(await createFull());
    const renamed = await json(await patch(created.id, { name: 'Again' }));
    expect(renamed).not.toHaveProperty('identitySecret');
    const rotated = await json(await patch(created.id, { rotateIdentitySecret: true }));
    expect(rotated.identitySecret).toMatch(/^[a-f0-9]{64}$/);
    expect(rotated.identitySecret).not.toBe(created.identitySecret);
    const turnedOff = await json(await patch(created.id, { identityVerification: false }));
    expect(turnedOff).not.toHaveProperty('identitySecret');
    const turnedOn = await json(await patch(created.id, { identityVerification: true }));
    expect(turnedOn.identitySecret).toMatch(/^[a-f0-9]{64}$/);
    const stillOn = await json(await patch(created.id, { identityVerification: true }));
    expect(stillOn).not.toHaveProperty('identitySecret');
    expect(await json(await reveal(created.id))).toEqual({ identitySecret: turnedOn.identitySecret });
  });

  it('POST …/identity-secret reveals it to admins: 403 for members, 404 for other tenants, 409 when verification is off', async () => {
    const created = await json(await createFull());
    const res = await reveal(created.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { identitySecret } = await json(res);
    expect(identitySecret).toBe(created.identitySecret);

    const byMember = await reveal(created.id, member);
    expect(byMember.status).toBe(403);
    expect(await byMember.text()).not.toContain(identitySecret);
    const byOther = await reveal(created.id, otherAdmin);
    expect(byOther.status).toBe(404);
    expect(await byOther.text()).not.toContain(identitySecret);

    await patch(created.id, { identityVerification: false });
    const off = await reveal(created.id);
    expect(off.status).toBe(409);
    expect((await json(off)).error.code).toBe('identity_not_enabled');
  });

  it('the revealed secret is the one identities are verified with', async () => {
    const created = await json(await createFull());
    const { identitySecret } = await json(await reveal(created.id));
    const session = await app.request('/v1/widget/sessions', {
      method: 'POST',
      headers: { origin: 'https://a.example' },
      json: { siteKey: created.publicKey, user: { id: 'u1', userHash: userHashFor(identitySecret, 'u1') } },
    });
    expect(session.status).toBe(200);
    expect((await json(session)).user).toEqual({ id: 'u1', name: null });
  });
});
