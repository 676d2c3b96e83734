import { afterAll, describe, expect, it } from 'vitest';
import { describeCommands, type MonitoredCommand, recordCommands } from '../db/commandMonitor.js';
import { startGeminiTestApp, startTestApp, type TestApp } from '../test/testApp.js';
import { RECENT_CAPACITY } from './conversationWindow.js';

// How many database commands a send costs (issue 18): counted, not timed, so it is deterministic. Background work of
// the instance (job queue polls, lease sweeps) and the knowledge version stamp (read at most once a second per site,
// not per send) are not the send's, nor the tenant's webhook endpoints (read at most once a second per tenant, to know
// whether an event is queued; the queueing is an insert into jobs).
const NOT_THE_SENDS = new Set(['jobs', 'knowledgeversions', 'webhooks']);

const offline = await startTestApp(import.meta.url, { monitorCommands: true });
const withGemini = await startGeminiTestApp(import.meta.url, {
  joinDatabase: true,
  monitorCommands: true,
  gemini: { firstTokenTimeoutMs: 2000 },
});
const { gemini } = withGemini;
afterAll(async () => {
  await withGemini.close();
  await offline.close();
});

async function sendsOf(app: TestApp, answer: () => void) {
  const site = await app.createSite({ name: 'Shop' });
  const visitor = await app.startVisitor(site.publicKey);
  const send = async (conversationId: string, text: string, clientMessageId: string) => {
    answer();
    let events: { event: string }[] = [];
    const commands = await recordCommands(app.connection, async () => {
      ({ events } = await visitor.send(conversationId, text, clientMessageId));
    });
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['message', 'done']));
    return commands.filter((c) => !NOT_THE_SENDS.has(c.collection));
  };
  // Warm: the site is cached, the knowledge index built.
  await send((await visitor.newConversation()).id, 'Hello', 'warm');
  const conversation = await visitor.newConversation();
  return {
    first: await send(conversation.id, 'What are your opening hours?', 'c1'),
    followUp: await send(conversation.id, 'And on Sundays?', 'c2'),
  };
}

const check = (commands: MonitoredCommand[], most: number) => {
  expect(commands.length, describeCommands(commands)).toBeLessThanOrEqual(most);
  // The window's update pushes the question and its answer (sliced to the window's capacity), never the whole window.
  const windowUpdate = commands.find((c) => c.command === 'update' && c.collection === 'conversationwindows')?.update;
  expect(windowUpdate).toMatchObject({ $push: { messages: { $slice: -RECENT_CAPACITY } } });
  expect(windowUpdate).not.toHaveProperty('$set.messages');
  expect((windowUpdate?.$push as { messages: { $each: unknown[] } } | undefined)?.messages.$each).toHaveLength(2);
};

describe('database commands per send', () => {
  it('offline provider: the first send of a conversation and a follow-up', async () => {
    const { first, followUp } = await sendsOf(offline, () => {});
    console.log(`offline first (${first.length}): ${describeCommands(first)}`);
    console.log(`offline follow-up (${followUp.length}): ${describeCommands(followUp)}`);
    check(first, 6);
    check(followUp, 6);
  });

  it('Gemini: the first send of a conversation and a follow-up (the model call spends a block of the budget reserved earlier)', async () => {
    const { first, followUp } = await sendsOf(withGemini, () => gemini.enqueue({ chunks: ['Nine to five.'] }));
    console.log(`gemini first (${first.length}): ${describeCommands(first)}`);
    console.log(`gemini follow-up (${followUp.length}): ${describeCommands(followUp)}`);
    check(first, 6);
    check(followUp, 6);
  });
});
