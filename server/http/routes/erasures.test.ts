import { afterAll, describe, expect, it } from 'vitest';
import type { RemovalRecord } from '../../../contract/dataRemoval.js';
import type { ImageRef } from '../../../contract/messages.js';
import { userHashFor } from '../../domain/sessionService.js';
import { json } from '../../test/json.js';
import { filesOf, leftovers } from '../../test/leftovers.js';
import { PAGE_ORIGIN, seedVisitor, uploadImage } from '../../test/reliability/seedTenant.js';
import { startTestApp } from '../../test/testApp.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const site = await app.createSite({
  name: 'Erasure shop',
  allowedOrigins: [PAGE_ORIGIN],
  identityVerification: true,
  leadCapture: { enabled: true, when: 'after', afterMessages: 1, name: 'optional', email: 'optional' },
});

/** Everything one visitor can leave behind: two conversations, images (one never attached), a handoff, a lead, a lock, an answer in flight. */
async function seedPerson(marker: string, session: Record<string, unknown> = {}) {
  const seeded = await seedVisitor(app, site, marker, session);
  const visitor = await app.startVisitor(site.publicKey, { visitorToken: seeded.token, ...session });
  const second = await visitor.newConversation();
  await visitor.send(second.id, `${marker} where is my order?`, `${marker}-3`);
  const handoff = await visitor.request(`/v1/widget/conversations/${second.id}/handoff`, {
    method: 'POST',
    json: { email: `${marker}@visitor.example` },
  });
  expect(handoff.status).toBe(200);
  const loose = (await json(await uploadImage(app, seeded.token))) as ImageRef;
  // The lead as the widget's form leaves it: on the visitor and copied onto each of their conversations.
  const lead = await visitor.request('/v1/widget/leads', {
    method: 'POST',
    json: { name: `${marker} Lead`, email: `${marker}@lead.example`, conversationId: second.id },
  });
  expect(lead.status).toBe(200);
  await app.services.repos.locks.tryAcquire(second.id, 'another-instance', new Date(Date.now() + 60_000));
  await app.services.repos.messages.startStream({
    id: '0123456789abcdef01234567',
    tenantId: 'local',
    siteId: site.id,
    conversationId: second.id,
    clientMessageId: `${marker}-4`,
    model: null,
    startedAt: new Date(),
    owner: 'another-instance',
    leaseUntil: new Date(Date.now() + 60_000),
  });
  const images = await app.models.Image.find({ visitorId: seeded.visitorId }).lean();
  const messages = await app.models.Message.find({ conversationId: { $in: [seeded.conversation.id, second.id] } }).lean();
  return {
    seeded,
    conversations: [seeded.conversation.id, second.id],
    loose,
    keys: images.map((i) => i.key),
    needles: [
      marker,
      seeded.visitorId,
      seeded.conversation.id,
      second.id,
      loose.id,
      ...images.flatMap((i) => [String(i._id), i.key]),
      ...messages.map((m) => String(m._id)),
    ],
  };
}

const erase = (body: unknown, token?: string) =>
  app.admin(`/v1/admin/sites/${site.id}/erasures`, { method: 'POST', json: body, token });

describe('erasing a visitor', () => {
  it('removes everything about them from every collection and the image store, answers and keeps a receipt', async () => {
    const doomed = await seedPerson('zorblax');
    const kept = await seedPerson('quimby');
    expect(await leftovers(app.models, doomed.needles)).not.toEqual([]);

    const res = await erase({ visitorId: doomed.seeded.visitorId });
    expect(res.status).toBe(201);
    const receipt = (await json(res)) as RemovalRecord;
    expect(receipt).toMatchObject({
      siteId: site.id,
      kind: 'erasure',
      subject: { visitorId: doomed.seeded.visitorId },
      before: null,
      counts: { conversations: 2, messages: 6, images: 2, visitors: 1, leads: 1 },
    });

    // Only the receipt names them (as the proof of the erasure).
    expect(await leftovers(app.models, doomed.needles, (collection) => collection === 'removals')).toEqual([]);
    expect(await filesOf(`${app.dataDir}/images`, doomed.keys)).toEqual([]);
    expect((await fetch(new URL(doomed.seeded.image.url, app.url))).status).toBe(404);
    expect((await app.admin(`/v1/admin/conversations/${doomed.seeded.conversation.id}`)).status).toBe(404);
    // Their token no longer reads anything.
    const list = await app.request('/v1/widget/conversations', { token: doomed.seeded.token, headers: { origin: PAGE_ORIGIN } });
    expect(list.status === 200 ? ((await json(list)) as { items: unknown[] }).items : []).toEqual([]);

    // Another visitor of the site keeps everything.
    expect(await filesOf(`${app.dataDir}/images`, kept.keys)).toHaveLength(kept.keys.length);
    expect(await app.models.Conversation.countDocuments({ _id: { $in: kept.conversations } })).toBe(2);
    expect(await app.models.Visitor.countDocuments({ _id: kept.seeded.visitorId })).toBe(1);

    // The receipt is listed; erasing again finds nothing and says so.
    const again = (await json(await erase({ visitorId: doomed.seeded.visitorId }))) as RemovalRecord;
    expect(again.counts).toEqual({ conversations: 0, messages: 0, images: 0, visitors: 0, leads: 0 });
    const listed = (await json(await app.admin(`/v1/admin/sites/${site.id}/removals?limit=1`))) as {
      items: RemovalRecord[];
      nextCursor: string;
    };
    expect(listed.items).toEqual([again]);
    const next = (await json(await app.admin(`/v1/admin/sites/${site.id}/removals?cursor=${listed.nextCursor}`))) as {
      items: RemovalRecord[];
    };
    expect(next.items[0]).toEqual(receipt);
  });

  it('erases every visitor of an identified user id', async () => {
    const secret = (await json(await app.admin(`/v1/admin/sites/${site.id}/identity-secret`, { method: 'POST' }))) as {
      identitySecret: string;
    };
    const user = { id: 'customer-42', name: 'Customer', userHash: userHashFor(secret.identitySecret, 'customer-42') };
    const doomed = await seedPerson('wimbledoo', { user });
    const receipt = (await json(await erase({ userId: 'customer-42' }))) as RemovalRecord;
    expect(receipt).toMatchObject({ subject: { userId: 'customer-42' }, counts: { conversations: 2, visitors: 1 } });
    expect(await leftovers(app.models, doomed.needles, (collection) => collection === 'removals')).toEqual([]);
  });

  // Other tenants and members: the reliability suite's isolation tables (`tenantIsolation.test.ts`).
  it('refuses bad bodies and unknown sites', async () => {
    for (const body of [{}, { visitorId: 'nope' }, { userId: '  ' }, { visitorId: site.id, userId: 'x' }, [], 'x'])
      expect((await erase(body)).status).toBe(400);
    const absent = await app.admin('/v1/admin/sites/0123456789abcdef01234567/erasures', {
      method: 'POST',
      json: { userId: 'x' },
    });
    expect(absent.status).toBe(404);
    expect((await json(absent)).error.code).toBe('not_found');
  });
});
