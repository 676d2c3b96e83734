import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import type { SiteUsage } from '../../contract/sites.js';
import { createGeminiModel } from '../ai/geminiModel.js';
import { json } from '../test/json.js';
import { startGeminiTestApp, startTestApp, type TestApp } from '../test/testApp.js';
import { BUDGET_BLOCK, RESTING_NOTICE } from './modelBudget.js';

const app = await startGeminiTestApp(import.meta.url, { gemini: { defaultBehaviour: { chunks: ['From ', 'Gemini.'] } } });
const { gemini } = app;
afterAll(() => app.close());

const faq = [{ question: 'What are your opening hours?', answer: 'We are open 9 to 5, Monday to Friday.' }];
const usageOf = async (siteId: string) => (await json(await app.admin(`/v1/admin/sites/${siteId}/usage`))) as SiteUsage;

describe('the daily model budget', () => {
  it('over the cap the assistant rests: no Gemini call, the visitor is told and the FAQ still answers', async () => {
    const site = await app.createSite({ name: 'Budgeted', faq, dailyModelCalls: 2 });
    expect(site.dailyModelCalls).toBe(2);
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const before = gemini.requests.length;
    for (const n of [1, 2]) {
      const { events } = await visitor.send(conversation.id, `Question ${n}`, `b-${n}`);
      expect((events.at(-1)?.data as Message | undefined)?.text).toBe('From Gemini.');
    }
    expect(gemini.requests.length).toBe(before + 2);

    const { events } = await visitor.send(conversation.id, 'What are your opening hours?', 'b-3');
    expect(gemini.requests.length).toBe(before + 2);
    expect(events.find((e) => e.event === 'delta')?.data).toEqual({ text: RESTING_NOTICE });
    const answer = events.at(-1);
    expect(answer?.event).toBe('done');
    const text = (answer?.data as Message | undefined)?.text ?? '';
    expect(text).toContain(RESTING_NOTICE);
    expect(text).toContain('9 to 5');
    // The instance reserved a block of calls; no more than the cap can be spent from it.
    expect(await usageOf(site.id)).toEqual({
      siteId: site.id,
      day: new Date().toISOString().slice(0, 10),
      modelCalls: 2,
      dailyModelCalls: 2,
    });

    // Raising the cap lets the model answer again the same day.
    const raised = await app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { dailyModelCalls: 10 } });
    expect((await json(raised)).dailyModelCalls).toBe(10);
    await visitor.send(conversation.id, 'Question 4', 'b-4');
    expect(gemini.requests.length).toBe(before + 3);
  });

  it('a new site gets the default cap; the cap is validated; usage is read per tenant', async () => {
    const site = await app.createSite({ name: 'Default' });
    expect(site.dailyModelCalls).toBe(1000);
    expect(await usageOf(site.id)).toMatchObject({ modelCalls: 0, dailyModelCalls: 1000 });
    for (const dailyModelCalls of [-1, 1.5, '10', 2_000_000]) {
      const res = await app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { dailyModelCalls } });
      expect(res.status).toBe(400);
    }
    expect((await app.admin('/v1/admin/sites/0123456789abcdef01234567/usage')).status).toBe(404);
  });

  it('concurrent sends on two instances never call the model more often than the cap', async () => {
    // A second instance on the same database: each reserves its own blocks of calls (an insert by `_id`).
    const other = await startTestApp(import.meta.url, {
      joinDatabase: true,
      model: createGeminiModel({ apiKey: gemini.apiKey, model: 'gemini-2.5-flash', baseUrl: gemini.url }),
    });
    try {
      const cap = BUDGET_BLOCK + 5;
      const senders = 40;
      const site = await app.createSite({ name: 'Crowded', faq, dailyModelCalls: cap });
      const instances = [app, other];
      const visitors = await Promise.all(
        Array.from({ length: senders }, (_, i) => (instances[i % 2] as TestApp).startVisitor(site.publicKey)),
      );
      const conversations = await Promise.all(visitors.map((v) => v.newConversation()));
      const before = gemini.requests.length;
      const results = await Promise.all(visitors.map((v, i) => v.send(conversations[i]?.id ?? '', 'Hello', `c-${i}`)));
      expect(results.every((r) => r.events.at(-1)?.event === 'done')).toBe(true);
      const geminiCalls = gemini.requests.length - before;
      const resting = results.filter((r) => r.events.some((e) => (e.data as { text?: string })?.text === RESTING_NOTICE));
      console.log(`[budget] ${senders} concurrent sends on 2 instances, cap ${cap}: ${geminiCalls} Gemini calls`);
      // Never more than the cap; at most a block's remainder per instance unused (each holds one block at a time).
      expect(geminiCalls).toBeLessThanOrEqual(cap);
      expect(geminiCalls).toBeGreaterThanOrEqual(cap - 2 * (BUDGET_BLOCK - 1));
      expect(resting.length).toBe(senders - geminiCalls);
      expect((await usageOf(site.id)).modelCalls).toBe(cap);

      // A raised cap lets the next call reserve a further block.
      await app.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { dailyModelCalls: cap + 20 } });
      const more = gemini.requests.length;
      await visitors[0]?.send(conversations[0]?.id ?? '', 'Again', 'again');
      expect(gemini.requests.length).toBe(more + 1);
    } finally {
      await other.close();
    }
  });
});
