import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import { openLiveStream } from '../test/liveStream.js';
import { startRedisServer } from '../test/redisServer.js';
import { startTestApp, type TestApp } from '../test/testApp.js';

/**
 * Handoff across two instances of one deployment: one database, one Redis, each instance with its own Redis bus (as
 * separate processes have). What an agent does on one reaches a visitor streaming from the other, and "someone online"
 * is the same answer on both.
 */
const redis = await startRedisServer();
const shared = { REDIS_URL: redis.url, ADMIN_TOKEN: randomBytes(24).toString('hex') };
const visitorTokenSecret = randomBytes(32).toString('hex');
const instances: TestApp[] = [];
for (const instanceId of ['instance-a', 'instance-b'])
  instances.push(
    await startTestApp(import.meta.url, {
      joinDatabase: instances.length > 0,
      env: shared,
      services: { visitorTokenSecret, instanceId },
    }),
  );
const [a, b] = instances as [TestApp, TestApp];
afterAll(async () => {
  for (const app of instances) await app.close().catch(() => {});
  await redis.stop();
});
const ORIGIN = { origin: 'http://localhost:5173' };

describe('two instances, one database, one Redis', () => {
  it("an agent's reply on instance A reaches the visitor's stream on instance B; the visitor's message reaches A's inbox", async () => {
    const site = await a.createSite({ name: 'Two instances' });
    const visitor = await b.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const inboxOnA = await openLiveStream(`${a.url}/v1/admin/events`, a.adminToken);

    // Presence lives in the database: B sees the agent connected to A.
    const handoff = await visitor.request(`/v1/widget/conversations/${conversation.id}/handoff`, { method: 'POST', json: {} });
    expect(await handoff.json()).toMatchObject({ conversation: { mode: 'waiting' }, agentsOnline: true });
    expect((await inboxOnA.waitFor(1))[0]).toMatchObject({
      event: 'conversation',
      data: { id: conversation.id, mode: 'waiting' },
    });

    const onB = await openLiveStream(`${b.url}/v1/widget/conversations/${conversation.id}/events`, visitor.token, ORIGIN);
    await onB.waitFor(1);
    const started = performance.now();
    const reply = await a.admin(`/v1/admin/conversations/${conversation.id}/messages`, {
      method: 'POST',
      json: { text: 'From A' },
    });
    expect(reply.status).toBe(201);
    const events = await onB.waitFor(3);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(events.map((e) => e.event)).toEqual(['mode', 'message', 'mode']);
    expect(events[1]?.data).toMatchObject({ role: 'agent', text: 'From A' });
    expect(events[2]?.data).toMatchObject({ mode: 'human', assignee: { name: 'Support' } });

    const sent = await visitor.send(conversation.id, 'Thanks from B', 'q-b-1');
    expect(sent.events.map((e) => e.event)).toEqual(['message', 'delivered']);
    const inbox = await inboxOnA.waitFor(5);
    const visitorMessage = inbox.find(
      (e) => e.event === 'message' && (e.data as { message: Message }).message.text === 'Thanks from B',
    );
    expect(visitorMessage).toBeDefined();
    inboxOnA.close();
    onB.close();
  });
});
