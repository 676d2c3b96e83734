import { afterAll, describe, expect, it } from 'vitest';
import type { KnowledgeSearchResult } from '../../../contract/knowledgeSearch.js';
import type { Message } from '../../../contract/messages.js';
import { NO_MATCH } from '../../ai/offlineModel.js';
import { json } from '../../test/json.js';
import { startGeminiTestApp, startTestApp } from '../../test/testApp.js';

// Grounded answers end to end: the site's knowledge → retrieval → the model (offline, or Gemini through the real SDK
// against the fake, embeddings included) → the stored answer's citations, in the `done` event, history and dashboard.
const offline = await startTestApp(import.meta.url);
const withGemini = await startGeminiTestApp(new URL('./knowledgeAnswers.gemini.test.ts', import.meta.url).href, {
  gemini: { embeddings: true },
});
const { gemini } = withGemini;
afterAll(async () => {
  await offline.close();
  await withGemini.close();
});

const faq = [
  { question: 'How long do refunds take?', answer: 'Refunds are paid back within 14 days of the return.' },
  { question: 'Do you ship abroad?', answer: 'We ship to every country in the EU.' },
];

describe('grounded answers, offline', () => {
  const ready = (async () => {
    const site = await offline.createSite({ name: 'Shop', faq });
    return { site, visitor: await offline.startVisitor(site.publicKey) };
  })();

  it('cites the passage it answers from, in the done event, the history and the dashboard transcript', async () => {
    const { visitor } = await ready;
    const conversation = await visitor.newConversation();
    const { events } = await visitor.send(conversation.id, 'how long for a refund?', 'k1');
    const done = events.at(-1)?.data as Message;
    expect(done).toMatchObject({ text: faq[0]?.answer, grounded: true });
    const citation = { sourceId: 'faq', title: faq[0]?.question, url: null, page: null, snippet: faq[0]?.answer };
    expect(done.citations).toEqual([citation]);
    const history = await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`));
    expect(history.items[1]).toMatchObject({ citations: [citation], grounded: true });
    expect(history.items[0]).toMatchObject({ citations: [], grounded: false });
    const transcript = await json(await offline.admin(`/v1/admin/conversations/${conversation.id}`));
    expect(transcript.messages[1]).toMatchObject({ citations: [citation], grounded: true });
    // The top retrieval score is kept on the stored answer for the owner's reports.
    const stored = await offline.services.repos.messages.findById(done.id);
    expect(stored?.retrievalScore).toBe(1);
  });

  it('says plainly when nothing matches: not grounded, no citations', async () => {
    const { visitor } = await ready;
    const conversation = await visitor.newConversation();
    const done = (await visitor.send(conversation.id, 'what is the weather in Paris?', 'k2')).events.at(-1)?.data as Message;
    expect(done.text.startsWith(NO_MATCH)).toBe(true);
    expect(done).toMatchObject({ grounded: false, citations: [] });
  });

  it('a follow-up that says little alone is searched with the previous question', async () => {
    const { visitor } = await ready;
    const conversation = await visitor.newConversation();
    await visitor.send(conversation.id, 'Do you ship abroad?', 'k3');
    const done = (await visitor.send(conversation.id, 'and to Norway?', 'k4')).events.at(-1)?.data as Message;
    expect(done.citations.map((c) => c.title)).toEqual(['Do you ship abroad?']);
  });

  it('the search route shows what the model would get, scores included; bad input 400, unknown site 404', async () => {
    const { site } = await ready;
    const res = await offline.admin(`/v1/admin/sites/${site.id}/knowledge/search`, { method: 'POST', json: { q: 'refunds' } });
    expect(res.status).toBe(200);
    const result = (await res.json()) as KnowledgeSearchResult;
    expect(result.mode).toBe('keyword');
    expect(result.items[0]).toMatchObject({
      number: 1,
      sourceId: 'faq',
      title: faq[0]?.question,
      text: faq[0]?.answer,
      score: 1,
      keywordScore: expect.any(Number),
      similarity: null,
    });
    for (const body of [{}, { q: '   ' }, { q: 'x'.repeat(1001) }, { q: 'a', extra: 1 }]) {
      const bad = await offline.admin(`/v1/admin/sites/${site.id}/knowledge/search`, { method: 'POST', json: body });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
    }
    const missing = await offline.admin(`/v1/admin/sites/${'f'.repeat(24)}/knowledge/search`, {
      method: 'POST',
      json: { q: 'refunds' },
    });
    expect(missing.status).toBe(404);
  });
});

describe('grounded answers from stored chunks (the sources collection, served generations only)', () => {
  it('cites a web page with its link and a document with its page; a new version is seen; a sync in progress is not', async () => {
    const site = await offline.createSite({ name: 'Docs' });
    const { knowledgeSources, knowledgeChunks, knowledgeVersions } = offline.services.repos;
    const source = await knowledgeSources.create({
      tenantId: 'local',
      siteId: site.id,
      type: 'website',
      title: 'Help centre',
      url: 'https://help.example/',
      text: null,
      maxPages: null,
      file: null,
    });
    await knowledgeSources.update('local', source.id, { status: 'ready', generation: 1 });
    const chunk = {
      tenantId: 'local',
      siteId: site.id,
      sourceId: source.id,
      headingPath: ['Billing'],
      embedding: null,
      embeddingModel: null,
    };
    await knowledgeChunks.insertMany([
      {
        ...chunk,
        generation: 1,
        title: 'Invoices',
        url: 'https://help.example/invoices',
        page: null,
        text: 'Invoices are emailed on the first of the month.',
        hash: 'h1',
        position: 0,
      },
      {
        ...chunk,
        generation: 1,
        title: 'Price list.pdf',
        url: null,
        page: 4,
        text: 'The gold plan costs 40 euros a month.',
        hash: 'h2',
        position: 1,
      },
      // A sync writing its next generation: not served until it swaps.
      {
        ...chunk,
        generation: 2,
        title: 'Invoices',
        url: 'https://help.example/invoices',
        page: null,
        text: 'Draft: invoices by carrier pigeon.',
        hash: 'h3',
        position: 0,
      },
    ]);
    await knowledgeVersions.bump('local', site.id);
    const visitor = await offline.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const ask = async (text: string, id: string) =>
      (await visitor.send(conversation.id, text, id)).events.at(-1)?.data as Message;
    const invoices = await ask('when are invoices emailed?', 's1');
    expect(invoices.text).toBe('Invoices are emailed on the first of the month.');
    expect(invoices.citations).toEqual([
      { sourceId: source.id, title: 'Invoices', url: 'https://help.example/invoices', page: null, snippet: invoices.text },
    ]);
    const gold = await ask('how much is the gold plan?', 's2');
    expect(gold.citations).toMatchObject([{ title: 'Price list.pdf', url: null, page: 4 }]);
    expect((await ask('carrier pigeon', 's3')).grounded).toBe(false);
    // The sync swaps and bumps the version: within a second every instance serves the new text.
    await knowledgeSources.update('local', source.id, { generation: 2 });
    await knowledgeVersions.bump('local', site.id);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ask('carrier pigeon', 's4')).citations).toMatchObject([{ title: 'Invoices' }]);
  });
});

describe('grounded answers, Gemini with embeddings (fake vectors: plumbing, not quality)', () => {
  const ready = (async () => {
    const site = await withGemini.createSite({ name: 'Shop', faq });
    return { site, visitor: await withGemini.startVisitor(site.publicKey) };
  })();

  it('gives the model numbered sources, turns valid markers into citations and drops invented ones', async () => {
    const { visitor } = await ready;
    const conversation = await visitor.newConversation();
    gemini.embedRequests.length = 0;
    gemini.enqueue({ chunks: ['Refunds take 14 days [1]. ', 'Shipping is quick [7].'] });
    const { events } = await visitor.send(conversation.id, 'How long do refunds take?', 'g1');
    const system = gemini.requests.at(-1)?.body.systemInstruction?.parts[0]?.text ?? '';
    expect(system).toContain('[1] How long do refunds take?\nRefunds are paid back within 14 days of the return.');
    expect(system).toContain('cite every source you use with its number in square brackets');
    const done = events.at(-1)?.data as Message;
    expect(done.text).toBe('Refunds take 14 days [1]. Shipping is quick.');
    expect(done.citations).toEqual([
      { sourceId: 'faq', title: faq[0]?.question, url: null, page: null, snippet: faq[0]?.answer },
    ]);
    expect(done.grounded).toBe(true);
    // The FAQ was embedded as documents, the question as a query.
    expect(gemini.embedRequests.map((r) => r.taskTypes[0])).toEqual(['RETRIEVAL_DOCUMENT', 'RETRIEVAL_QUERY']);
  });

  it('an answer citing nothing is not grounded; with nothing retrieved the model is told to say so', async () => {
    const { visitor } = await ready;
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['I cannot tell from this site.'] });
    const done = (await visitor.send(conversation.id, 'quantum chromodynamics', 'g2')).events.at(-1)?.data as Message;
    expect(done).toMatchObject({ grounded: false, citations: [] });
    expect(gemini.requests.at(-1)?.body.systemInstruction?.parts[0]?.text).toContain(
      "Nothing in the site's knowledge matches this question",
    );
  });

  it('the search route says it is hybrid and shows the similarity', async () => {
    const { site } = await ready;
    const result = (await json(
      await withGemini.admin(`/v1/admin/sites/${site.id}/knowledge/search`, { method: 'POST', json: { q: 'ship abroad' } }),
    )) as KnowledgeSearchResult;
    expect(result.mode).toBe('hybrid');
    expect(result.items[0]).toMatchObject({ title: 'Do you ship abroad?', similarity: expect.any(Number) });
  });
});
