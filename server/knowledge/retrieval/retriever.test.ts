import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGemini, startFakeGemini } from '../../test/fakeGemini.js';
import { createGeminiEmbedder } from '../embeddings/geminiEmbedder.js';
import type { Passage } from './Passage.js';
import { type KnowledgeSite, type KnowledgeStore, retriever } from './retriever.js';

const chunk = (id: string, title: string, text: string, embedding: number[] | null = null): Passage => ({
  id,
  sourceId: 'src1',
  title,
  url: `https://docs.test/${id}`,
  page: null,
  headingPath: [],
  text,
  embedding,
});

/** The store's edge (the chunks collection and the version stamp), counting its reads. */
function storeOf(chunks: Record<string, Passage[]>) {
  const state = { version: 'v1', versionReads: 0, chunkReads: 0, chunks };
  const store: KnowledgeStore = {
    versionOf: async () => {
      state.versionReads++;
      return state.version;
    },
    passagesOf: async (tenantId, siteId) => {
      state.chunkReads++;
      return state.chunks[`${tenantId}:${siteId}`] ?? [];
    },
  };
  return { state, store };
}

const site = (id: string, tenantId = 't1', faq: KnowledgeSite['faq'] = []): KnowledgeSite => ({
  id,
  tenantId,
  faq,
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('retriever', () => {
  it('reads the version at most once per interval per site, and the chunks only when it changed', async () => {
    let clock = 0;
    const { state, store } = storeOf({ 't1:a': [chunk('c1', 'Refunds', 'Refunds are paid within 14 days.')] });
    const r = retriever({ store, now: () => clock });
    expect((await r.retrieve(site('a'), 'refund')).passages[0]?.passage.id).toBe('c1');
    await r.retrieve(site('a'), 'refund');
    clock += 999;
    await r.retrieve(site('a'), 'refund');
    expect([state.versionReads, state.chunkReads]).toEqual([1, 1]);
    clock += 1;
    await r.retrieve(site('a'), 'refund');
    expect([state.versionReads, state.chunkReads]).toEqual([2, 1]);
    // Another instance changed the knowledge: this one sees the new version within a second and rebuilds.
    state.chunks['t1:a'] = [chunk('c2', 'Refunds', 'Refunds are paid within 30 days.')];
    state.version = 'v2';
    expect((await r.retrieve(site('a'), 'refund')).passages[0]?.passage.id).toBe('c1');
    clock += 1000;
    expect((await r.retrieve(site('a'), 'refund')).passages[0]?.passage.id).toBe('c2');
    expect(state.chunkReads).toBe(2);
  });

  it('rebuilds at once when the FAQ changed (the site record is in hand), and reads the FAQ as passages', async () => {
    const { store } = storeOf({});
    const r = retriever({ store });
    const v1 = site('a', 't1', [{ question: 'Opening hours?', answer: 'Nine to five.' }]);
    const v2 = { ...v1, faq: [{ question: 'Opening hours?', answer: 'Eight to six.' }], updatedAt: '2026-01-02T00:00:00.000Z' };
    expect((await r.retrieve(v1, 'opening hours')).passages[0]?.passage).toMatchObject({
      sourceId: 'faq',
      text: 'Nine to five.',
    });
    expect((await r.retrieve(v2, 'opening hours')).passages[0]?.passage.text).toBe('Eight to six.');
  });

  it('keeps each tenant and site apart, and drops the least recently used index past its size', async () => {
    const { state, store } = storeOf({
      't1:a': [chunk('a1', 'Secret plan', 'The launch code is blue.')],
      't2:b': [chunk('b1', 'Other', 'Nothing here.')],
    });
    const r = retriever({ store, cacheSize: 2 });
    expect((await r.retrieve(site('a'), 'launch code')).passages).toHaveLength(1);
    // The same site id under another tenant is another index (and reads its own chunks).
    expect((await r.retrieve(site('a', 't2'), 'launch code')).passages).toEqual([]);
    expect((await r.retrieve(site('b', 't2'), 'launch code')).passages).toEqual([]);
    const reads = state.chunkReads;
    await r.retrieve(site('a'), 'launch code');
    expect(state.chunkReads).toBe(reads + 1);
  });

  it('gives nothing for a blank question and only passages that pass the match rule', async () => {
    const { store } = storeOf({ 't1:a': [chunk('c1', 'Refunds', 'Refunds are paid within 14 days.')] });
    const r = retriever({ store });
    expect(await r.retrieve(site('a'), '  ')).toEqual({ passages: [], hybrid: false });
    expect((await r.retrieve(site('a'), 'weather in Paris')).passages).toEqual([]);
  });

  it('does not keep a failed build: the next question tries again', async () => {
    const { state, store } = storeOf({ 't1:a': [chunk('c1', 'Refunds', 'Refunds are paid.')] });
    let fail = true;
    const r = retriever({
      store: {
        ...store,
        passagesOf: async (...args) => (fail ? Promise.reject(new Error('db down')) : store.passagesOf(...args)),
      },
    });
    await expect(r.retrieve(site('a'), 'refund')).rejects.toThrow('db down');
    fail = false;
    expect((await r.retrieve(site('a'), 'refund')).passages).toHaveLength(1);
    expect(state.chunkReads).toBe(1);
  });
});

describe('retriever with embeddings (fake Gemini: checks the plumbing, not the quality)', () => {
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = await startFakeGemini();
  });
  afterAll(() => fake.close());

  it('embeds the FAQ once, the question as a query, and fuses both rankings', async () => {
    const embedder = createGeminiEmbedder({ apiKey: fake.apiKey, baseUrl: fake.url });
    const [stored] = await embedder.embedDocuments([{ title: 'Delivery', text: 'Parcels arrive in two days.' }]);
    const { store } = storeOf({ 't1:a': [chunk('c1', 'Delivery', 'Parcels arrive in two days.', stored)] });
    const r = retriever({ store, embedder, minSimilarity: 0.3 });
    fake.embedRequests.length = 0;
    const faqSite = site('a', 't1', [{ question: 'Do you ship abroad?', answer: 'Yes, everywhere.' }]);
    const found = await r.retrieve(faqSite, 'when do parcels arrive');
    expect(found.hybrid).toBe(true);
    expect(found.passages[0]?.passage.id).toBe('c1');
    expect(found.passages[0]?.similarity).toBeGreaterThan(0.3);
    expect(found.passages[0]?.keywordScore).toBeGreaterThan(0);
    expect(fake.embedRequests.map((request) => request.taskTypes[0])).toEqual(['RETRIEVAL_DOCUMENT', 'RETRIEVAL_QUERY']);
    // A site change that leaves the FAQ as it was embeds nothing again.
    await r.retrieve({ ...faqSite, updatedAt: '2026-03-01T00:00:00.000Z' }, 'ship abroad');
    expect(fake.embedRequests.map((request) => request.taskTypes[0])).toEqual([
      'RETRIEVAL_DOCUMENT',
      'RETRIEVAL_QUERY',
      'RETRIEVAL_QUERY',
    ]);
  });

  it('answers by keywords alone when the question cannot be embedded (quota, outage)', async () => {
    const embedder = createGeminiEmbedder({ apiKey: fake.apiKey, baseUrl: fake.url });
    const { store } = storeOf({ 't1:a': [chunk('c1', 'Delivery', 'Parcels arrive in two days.', [1, 0, 0])] });
    const r = retriever({ store, embedder });
    fake.failEmbeddings({ code: 429 });
    const found = await r.retrieve(site('a'), 'parcels');
    expect(found.hybrid).toBe(false);
    expect(found.passages[0]?.passage.id).toBe('c1');
  });
});
