import { afterAll, describe, expect, it } from 'vitest';
import { describeCommands, type MonitoredCommand, recordCommands } from '../db/commandMonitor.js';
import { PAGE_ORIGIN, uploadImage } from '../test/reliability/seedTenant.js';
import { startTestApp } from '../test/testApp.js';

// A send reads its conversation from its window's copy (docs/send-path.md): every writer of a copied field keeps the
// copy equal to the conversation, or removes it (the send then reads the conversation, and its answer writes the copy
// again). Walked through every writer a conversation meets: sends, feedback, a handoff and its messages, release,
// close and reopen, a lead, an image.
const app = await startTestApp(import.meta.url, { monitorCommands: true });
afterAll(() => app.close());
const { repos } = app.services;
const site = await app.createSite({
  name: 'Copies',
  allowedOrigins: [PAGE_ORIGIN],
  leadCapture: { enabled: true, name: 'optional', email: 'optional' },
});
const visitor = await app.startVisitor(site.publicKey);
const conversation = await visitor.newConversation();
const { id } = conversation;

/** The window's copy is absent, or equal to the conversation in every field it copies; returns whether it is there. */
async function copyIsCurrent(where: string): Promise<boolean> {
  const [window, stored] = await Promise.all([
    repos.conversations.sendWindow(id, { tenantId: 'local', siteId: site.id }),
    repos.conversations.findWithSearchText(id),
  ]);
  if (!stored) throw new Error('conversation gone');
  if (!window.copy) return false;
  // Each copied field (all eleven of them) as the conversation holds it.
  expect(Object.keys(window.copy.conversation), where).toHaveLength(11);
  expect(stored.conversation, where).toMatchObject(window.copy.conversation);
  expect(window.copy.searchText, where).toBe(stored.searchText);
  return true;
}

let n = 0;
/** A send, with the database commands it cost (background work of the instance left out). */
async function send(text: string, imageIds: string[] = []) {
  let events: { event: string; data?: unknown }[] = [];
  const commands = await recordCommands(app.connection, async () => {
    ({ events } = await visitor.send(id, text, `copy-${n++}`, imageIds));
  });
  // The instance's background jobs (slot and day backfills, retention) may read the same collections meanwhile: a find
  // is the send's when its filter names this conversation.
  const thisSends = (c: MonitoredCommand) =>
    !['jobs', 'knowledgeversions', 'webhooks'].includes(c.collection) &&
    (c.command !== 'find' || JSON.stringify(c.filter ?? {}).includes(id));
  return { events, commands: commands.filter(thisSends) };
}

const admin = async (path: string, json?: unknown) => {
  const res = await app.admin(`/v1/admin/conversations/${id}${path}`, { method: 'POST', ...(json ? { json } : {}) });
  expect(res.status, path).toBeLessThan(300);
};

describe("a conversation's copy in its window", () => {
  it('stays equal to the conversation, or is gone, after every writer; a send without it reads the conversation once', async () => {
    expect(await copyIsCurrent('created')).toBe(true);
    const first = await send('What are your opening hours?');
    expect(first.commands.filter((c) => c.command === 'find' && c.collection === 'conversations')).toEqual([]);
    expect(await copyIsCurrent('first send')).toBe(true);

    const answer = first.events.at(-1)?.data as { id: string };
    const rated = await visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'up' } });
    expect(rated.status).toBe(200);
    expect(await copyIsCurrent('feedback')).toBe(true);

    const lead = await visitor.request('/v1/widget/leads', {
      method: 'POST',
      json: { email: 'copy@example.com', conversationId: id },
    });
    expect(lead.status).toBe(200);
    expect(await copyIsCurrent('lead')).toBe(true);

    // A person: the copy goes with the first change of mode; messages to and from the person count without it.
    const handoff = await visitor.request(`/v1/widget/conversations/${id}/handoff`, { method: 'POST', json: {} });
    expect(handoff.status).toBe(200);
    await copyIsCurrent('handoff requested');
    const toPerson = await send('Are you there?');
    expect(toPerson.events.at(-1)?.event).toBe('delivered');
    await copyIsCurrent('a message to the person');
    await admin('/takeover');
    await admin('/messages', { text: 'Yes, here.' });
    await copyIsCurrent('agent reply');
    await admin('/release');
    await copyIsCurrent('released');

    // The assistant again: the send reads the conversation (no copy), its answer writes the copy, the next reads none.
    const back = await send('And on Sundays?');
    expect(back.events.at(-1)?.event).toBe('done');
    expect(await copyIsCurrent('answered after release')).toBe(true);
    const after = await send('Thanks');
    expect(after.commands.length, describeCommands(after.commands)).toBeLessThanOrEqual(6);
    expect(await copyIsCurrent('next send')).toBe(true);

    await admin('/close');
    await copyIsCurrent('closed');
    const reopened = await send('One more question');
    expect(reopened.events.at(-1)?.event).toBe('done');
    expect(await copyIsCurrent('reopened and answered')).toBe(true);

    const upload = await uploadImage(app, visitor.token, { conversationId: id });
    expect(upload.status).toBe(201);
    const image = (await upload.json()) as { id: string };
    const withImage = await send('What is this?', [image.id]);
    expect(withImage.events.at(-1)?.event).toBe('done');
    expect(await copyIsCurrent('a send with an image')).toBe(true);

    // The counters the copies carried add up: every stored message counted once.
    const stored = await repos.conversations.findById(id);
    const messages = (await repos.messages.listForConversation('local', id, 100)).items;
    expect(stored?.messageCount).toBe(messages.length);
    expect(stored).toMatchObject({
      mode: 'ai',
      hasImages: true,
      thumbnailImageId: image.id,
      title: 'What are your opening hours?',
    });
  });
});
