import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../../test/fakeEmbedding.js';
import { type FakeGemini, startFakeGemini } from '../../test/fakeGemini.js';
import { createGeminiEmbedder } from './geminiEmbedder.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());

const embedder = () => createGeminiEmbedder({ apiKey: fake.apiKey, baseUrl: fake.url });

describe('createGeminiEmbedder (real SDK against the fake Gemini API)', () => {
  it('embeds passages as RETRIEVAL_DOCUMENT in batches of at most 100, titles included, in order', async () => {
    fake.embedRequests.length = 0;
    const passages = Array.from({ length: 230 }, (_, i) => ({ title: `Page ${i}`, text: `Passage number ${i}` }));
    const vectors = await embedder().embedDocuments(passages);
    expect(vectors).toHaveLength(230);
    expect(vectors[0]).toEqual(fakeEmbedding('Page 0\n\nPassage number 0', 768));
    expect(vectors[229]).toEqual(fakeEmbedding('Page 229\n\nPassage number 229', 768));
    expect(fake.embedRequests.map((r) => [r.method, r.model, r.texts.length])).toEqual([
      ['batchEmbedContents', 'gemini-embedding-001', 100],
      ['batchEmbedContents', 'gemini-embedding-001', 100],
      ['batchEmbedContents', 'gemini-embedding-001', 30],
    ]);
    expect(new Set(fake.embedRequests.flatMap((r) => r.taskTypes))).toEqual(new Set(['RETRIEVAL_DOCUMENT']));
    expect(new Set(fake.embedRequests.flatMap((r) => r.dimensions))).toEqual(new Set([768]));
    expect(fake.embedRequests[0]?.apiKey).toBe(fake.apiKey);
  });

  it('embeds a question as RETRIEVAL_QUERY', async () => {
    fake.embedRequests.length = 0;
    expect(await embedder().embedQuery('Do you ship abroad?')).toEqual(fakeEmbedding('Do you ship abroad?', 768));
    expect(fake.embedRequests[0]?.taskTypes).toEqual(['RETRIEVAL_QUERY']);
  });

  it('fails with the API error on 429 and 500, and on a wrong key', async () => {
    fake.failEmbeddings({ code: 429 }, { code: 500 });
    await expect(embedder().embedQuery('a')).rejects.toMatchObject({ status: 429 });
    await expect(embedder().embedQuery('a')).rejects.toMatchObject({ status: 500 });
    await expect(createGeminiEmbedder({ apiKey: 'wrong', baseUrl: fake.url }).embedQuery('a')).rejects.toMatchObject({
      status: 400,
    });
    expect((await embedder().embedQuery('shipping')).length).toBe(768);
  });
});
