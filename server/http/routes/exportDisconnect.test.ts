import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { PAGE_ORIGIN } from '../../test/reliability/seedTenant.js';
import { startTestApp } from '../../test/testApp.js';

/**
 * A download the client abandons ends the export on the server: no message query starts after the client left, the
 * export's error is not logged as a failure, and the next export is whole. Small reads (one conversation a query, two
 * ahead) make every read visible in the driver's command monitoring.
 */
const READS = { page: 4, chunk: 1, ahead: 2 };
const lines: Record<string, unknown>[] = [];
const app = await startTestApp(import.meta.url, {
  monitorCommands: true,
  services: { exportReads: READS },
  log: createLogger('warn', 'json', { write: (line: string) => void lines.push(JSON.parse(line)) }),
});
afterAll(() => app.close());

const CONVERSATIONS = 60;
const site = await app.createSite({ name: 'Export disconnect', allowedOrigins: [PAGE_ORIGIN] });
const visitor = await app.startVisitor(site.publicKey);
const first = await visitor.newConversation();
await visitor.send(first.id, 'A question worth exporting', 'q-0');
// Copies of that conversation and its messages (the export reads them like any other).
const conversation = await app.models.Conversation.collection.findOne({ _id: new Types.ObjectId(first.id) });
const messages = await app.models.Message.collection.find({ conversationId: new Types.ObjectId(first.id) }).toArray();
for (let i = 1; i < CONVERSATIONS; i++) {
  const _id = new Types.ObjectId();
  const at = new Date(Date.now() - i * 60_000);
  await app.models.Conversation.collection.insertOne({ ...conversation, _id, lastMessageAt: at, createdAt: at });
  await app.models.Message.collection.insertMany(messages.map((m) => ({ ...m, _id: new Types.ObjectId(), conversationId: _id })));
}

/** The start time of each export message query (`listForConversations`: an `$in` of conversation ids). */
const messageReads: number[] = [];
app.connection.getClient().on('commandStarted', (event) => {
  const filter = (event.command as { filter?: { conversationId?: { $in?: unknown } } }).filter;
  if (event.commandName === 'find' && event.command.find === 'messages' && filter?.conversationId?.$in)
    messageReads.push(performance.now());
});

const exportUrl = `/v1/admin/exports/conversations?format=ndjson&siteId=${site.id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an export the client abandons', () => {
  it('reads every conversation when the client stays', async () => {
    messageReads.length = 0;
    const body = await (await app.admin(exportUrl)).text();
    expect(body.trim().split('\n')).toHaveLength(CONVERSATIONS);
    expect(messageReads).toHaveLength(CONVERSATIONS);
  });

  it('stops reading when the client goes away mid-way, and the server stays healthy', async () => {
    messageReads.length = 0;
    const controller = new AbortController();
    const res = await app.admin(exportUrl, { signal: controller.signal });
    expect(res.status).toBe(200);
    controller.abort();
    const abortedAt = performance.now();
    // Long enough for the whole export to be read had it gone on (it takes a few hundred ms).
    await sleep(1500);
    const after = messageReads.filter((at) => at > abortedAt);
    // Only the reads started while the close travelled to the server (one ahead of each awaited one: 3 on a quiet
    // machine, one more seen on a loaded one), where an export that went on read 48 of the 60 after it.
    expect(after.length).toBeLessThanOrEqual(2 * (READS.ahead + 1));
    expect(messageReads.length).toBeLessThan(CONVERSATIONS / 2);
    expect(lines.filter((line) => line.msg === 'Export failed midway')).toEqual([]);

    messageReads.length = 0;
    const again = await (await app.admin(exportUrl)).text();
    expect(again.trim().split('\n')).toHaveLength(CONVERSATIONS);
    expect(messageReads).toHaveLength(CONVERSATIONS);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
