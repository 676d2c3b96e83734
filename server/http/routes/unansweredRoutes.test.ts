import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from '../../../contract/common.js';
import type { Source } from '../../../contract/knowledge.js';
import type { Message } from '../../../contract/messages.js';
import type { UnansweredGroup } from '../../../contract/unanswered.js';
import { NO_MATCH } from '../../ai/offlineModel.js';
import { clerkTestKit } from '../../test/clerkTokens.js';
import { json } from '../../test/json.js';
import { startTestApp } from '../../test/testApp.js';

// End to end on the real database with the offline provider: questions the site's knowledge cannot answer (and
// answers rated down) are listed in groups; "Add answer" (a text source) makes the same question answered grounded.
const clerk = await clerkTestKit();
const app = await startTestApp(import.meta.url, { adminAuth: clerk.auth });
afterAll(() => app.close());

const { admin, member, otherAdmin } = await clerk.orgSessions();

const faq = [{ question: 'How long do refunds take?', answer: 'Refunds are paid back within 14 days of the return.' }];
const site = await app.createSite({ name: 'Shop', faq, allowedOrigins: ['http://localhost:5173'] }, admin);
const visitor = await app.startVisitor(site.publicKey);

let sent = 0;
async function ask(text: string): Promise<Message> {
  const conversation = await visitor.newConversation();
  const { events } = await visitor.send(conversation.id, text, `q${++sent}`);
  return events.at(-1)?.data as Message;
}
const list = async (query = '', token = member) =>
  (await json(await app.admin(`/v1/admin/sites/${site.id}/unanswered${query}`, { token }))) as Page<UnansweredGroup>;

describe('unanswered questions', () => {
  const asked = (async () => {
    const canada = await ask('Do you ship to Canada?');
    await ask('Can you ship my order to Canada?');
    const hours = await ask('What are your opening hours on Sunday?');
    const refund = await ask('How long do refunds take?');
    await ask('hello');
    // A grounded answer rated down counts too.
    await visitor.request(`/v1/widget/messages/${refund.id}/feedback`, { method: 'POST', json: { rating: 'down' } });
    return { canada, hours, refund };
  })();

  it('lists ungrounded and rated-down answers grouped by similarity, most asked first, for members too', async () => {
    const { canada, hours, refund } = await asked;
    expect(canada).toMatchObject({ grounded: false });
    expect(canada.text.startsWith(NO_MATCH)).toBe(true);
    expect(refund).toMatchObject({ grounded: true });
    const page = await list();
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((g) => [g.count, g.notGrounded, g.thumbsDown])).toEqual([
      [2, 2, 0],
      [1, 0, 1],
      [1, 1, 0],
    ]);
    const [shipping, refunds, opening] = page.items as [UnansweredGroup, UnansweredGroup, UnansweredGroup];
    expect(shipping.examples.map((e) => e.question)).toEqual(['Can you ship my order to Canada?', 'Do you ship to Canada?']);
    expect(shipping.examples[1]).toMatchObject({ conversationId: canada.conversationId, reasons: ['not_grounded'] });
    expect(shipping.examples[1]?.answer.startsWith(NO_MATCH)).toBe(true);
    expect(shipping.answerIds).toContain(canada.id);
    expect(shipping.id).toBe(shipping.answerIds[0]);
    expect(Date.parse(shipping.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(shipping.firstSeenAt));
    expect(refunds).toMatchObject({ question: 'How long do refunds take?', answerIds: [refund.id] });
    expect(refunds.examples[0]?.reasons).toEqual(['thumbs_down']);
    expect(opening).toMatchObject({ question: 'What are your opening hours on Sunday?', answerIds: [hours.id] });
    // "hello" has no meaningful words: nothing to add knowledge for.
    expect(JSON.stringify(page)).not.toContain('"hello"');
  });

  it('pages with the cursor; bad input is a 400', async () => {
    await asked;
    const first = await list('?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await list(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    for (const query of ['?days=0', '?days=366', '?limit=0', '?cursor=bm9wZQ', '?other=1']) {
      const res = await app.admin(`/v1/admin/sites/${site.id}/unanswered${query}`, { token: member });
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: expect.any(String) } });
    }
  });

  it('after "Add answer" (a text source) the same question is answered grounded; dismissing takes the group off', async () => {
    await asked;
    const [shipping] = (await list()).items as [UnansweredGroup];
    const created = await app.admin(`/v1/admin/sites/${site.id}/sources`, {
      token: admin,
      method: 'POST',
      json: { type: 'text', title: shipping.question, text: 'Yes: we ship to Canada; orders arrive in 5 to 7 working days.' },
    });
    expect(created.status).toBe(202);
    const source = (await created.json()) as Source;
    for (let tries = 0; ; tries++) {
      const found = await json(
        await app.admin(`/v1/admin/sites/${site.id}/knowledge/search`, {
          token: member,
          method: 'POST',
          json: { q: shipping.question },
        }),
      );
      if (found.items.some((hit: { sourceId: string }) => hit.sourceId === source.id)) break;
      if (tries > 400) throw new Error('the source never served');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const again = await ask('Do you ship to Canada?');
    expect(again).toMatchObject({ grounded: true });
    expect(again.citations[0]).toMatchObject({ sourceId: source.id, title: shipping.question });
    expect(again.text).toContain('we ship to Canada');

    // Members read but do not dismiss; another organization's admin finds no such site.
    const dismiss = (token: string, siteId = site.id) =>
      app.admin(`/v1/admin/sites/${siteId}/unanswered/dismiss`, {
        token,
        method: 'POST',
        json: { answerIds: shipping.answerIds },
      });
    expect((await dismiss(member)).status).toBe(403);
    expect((await dismiss(otherAdmin)).status).toBe(404);
    expect(await json(await dismiss(admin))).toEqual({ dismissed: 2 });
    expect(await json(await dismiss(admin))).toEqual({ dismissed: 0 });
    const after = await list();
    expect(after.items.map((g) => g.question)).toEqual(['How long do refunds take?', 'What are your opening hours on Sunday?']);
    // The answers themselves are kept.
    expect(await app.services.repos.messages.findById(shipping.answerIds[0] as string)).toMatchObject({ grounded: false });
  });

  it("is scoped by tenant: another organization's admin gets 404 for the site", async () => {
    const res = await app.admin(`/v1/admin/sites/${site.id}/unanswered`, { token: otherAdmin });
    expect(res.status).toBe(404);
    const body = await app.admin(`/v1/admin/sites/${site.id}/unanswered/dismiss`, {
      token: admin,
      method: 'POST',
      json: { answerIds: ['nope'] },
    });
    expect(body.status).toBe(400);
  });
});
