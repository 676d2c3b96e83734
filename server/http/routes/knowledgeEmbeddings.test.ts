import { afterAll, describe, expect, it } from 'vitest';
import type { Source } from '../../../contract/knowledge.js';
import type { KnowledgeSearchResult } from '../../../contract/knowledgeSearch.js';
import type { KnowledgeChunkDoc } from '../../db/models/knowledge.js';
import { servedChunks } from '../../domain/knowledge/servedChunks.js';
import type { FetchSourcePages } from '../../domain/knowledge/sourcePages.js';
import { fakeEmbedding } from '../../test/fakeEmbedding.js';
import { startGeminiTestApp } from '../../test/testApp.js';

// Chunk embeddings at ingestion, through the real SDK against the Gemini fake: what reaches the API is counted there.
/** The web edge: each source URL serves the pages the test put under it (the fetcher's own tests cover real HTTP). */
const sites = new Map<string, { title: string; text: string }[]>();
const fetchPages: FetchSourcePages = async function* (source) {
  for (const [n, page] of (sites.get(source.url) ?? []).entries()) {
    const url = `${source.url}p${n}`;
    yield { url, document: { title: page.title, url, page: null, text: page.text } };
  }
};
const app = await startGeminiTestApp(import.meta.url, {
  gemini: { answers: false, embeddings: true },
  services: { fetchPages, knowledgeEmbedRetry: { attempts: 3, baseMs: 5, maxMs: 20 } },
});
const { gemini } = app;
afterAll(() => app.close());

/** A page of `sections` sections of 45 distinct words each: one passage per section. */
const page = (name: string, sections: number, changed = -1) => ({
  title: `Guide ${name}`,
  text: Array.from(
    { length: sections },
    (_, s) => `## Part ${s}\n\n${Array.from({ length: 45 }, (_, w) => `${name}${s}w${w}${s === changed ? 'x' : ''}`).join(' ')}.`,
  ).join('\n\n'),
});

const repos = app.services.repos;
const served = (siteId: string) =>
  servedChunks({ sources: repos.knowledgeSources, chunks: repos.knowledgeChunks }, 'local', siteId);

async function settled(id: string): Promise<Source> {
  for (let tries = 0; tries < 600; tries++) {
    const source = (await (await app.admin(`/v1/admin/sources/${id}`)).json()) as Source;
    if (source.status === 'ready' || source.status === 'failed') return source;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the sync did not end');
}

async function addWebsite(url: string, pages: { title: string; text: string }[]) {
  sites.set(url, pages);
  const site = await app.createSite({ name: url });
  const res = await app.admin(`/v1/admin/sites/${site.id}/sources`, { method: 'POST', json: { type: 'website', url } });
  expect(res.status).toBe(202);
  const source = (await res.json()) as Source;
  return { site, source, ready: await settled(source.id) };
}

const resync = async (id: string) => {
  expect((await app.admin(`/v1/admin/sources/${id}/sync`, { method: 'POST' })).status).toBe(202);
  return settled(id);
};

const requests = () => gemini.embedRequests.map((r) => [r.method, r.texts.length, ...new Set(r.taskTypes)]);

describe('chunk embeddings at ingestion (fake Gemini: plumbing, not quality)', () => {
  it('embeds new chunks as RETRIEVAL_DOCUMENT in batches of at most 100 and stores them as Float32 bytes', async () => {
    gemini.embedRequests.length = 0;
    const { site, source, ready } = await addWebsite('https://batches.example/', [page('a', 50), page('b', 50), page('c', 50)]);
    expect(ready).toMatchObject({ status: 'ready', chunks: 150, warning: null });
    expect(requests()).toEqual([
      ['batchEmbedContents', 100, 'RETRIEVAL_DOCUMENT'],
      ['batchEmbedContents', 50, 'RETRIEVAL_DOCUMENT'],
    ]);
    expect(new Set(gemini.embedRequests.flatMap((r) => r.dimensions))).toEqual(new Set([768]));

    const chunks = await served(site.id);
    expect(chunks).toHaveLength(150);
    const [first] = chunks.filter((c) => c.sourceId === source.id).sort((a, b) => a.position - b.position);
    expect(first?.embeddingModel).toBe('gemini-embedding-001@768');
    expect(first?.embedding).toEqual(Float32Array.from(fakeEmbedding(`${first?.headingPath.join(' > ')}\n\n${first?.text}`)));
    // Stored compactly: 768 floats in 3,072 bytes, not a list of numbers.
    const raw = await app.models.KnowledgeChunk.findById(first?.id).lean<KnowledgeChunkDoc>();
    expect((raw?.embedding as unknown as { buffer: Uint8Array } | undefined)?.buffer.length).toBe(768 * 4);
  });

  it('a re-sync embeds only the passages that changed; a question alone is embedded at search time', async () => {
    const url = 'https://resync.example/';
    const { site, source } = await addWebsite(url, [page('d', 30), page('e', 30)]);
    const before = new Map((await served(site.id)).map((c) => [c.hash, c.embedding]));
    gemini.embedRequests.length = 0;
    sites.set(url, [page('d', 30, 7), page('e', 30)]); // one section of the first page changed
    expect(await resync(source.id)).toMatchObject({ status: 'ready', chunks: 60, warning: null });
    expect(requests()).toEqual([['batchEmbedContents', 1, 'RETRIEVAL_DOCUMENT']]);
    expect(gemini.embedRequests[0]?.texts[0]).toContain('d7w0x');
    const after = await served(site.id);
    expect(after.filter((c) => before.get(c.hash)?.toString() === c.embedding?.toString())).toHaveLength(59);

    gemini.embedRequests.length = 0;
    const res = await app.admin(`/v1/admin/sites/${site.id}/knowledge/search`, { method: 'POST', json: { q: 'e12w3' } });
    const result = (await res.json()) as KnowledgeSearchResult;
    expect(result.mode).toBe('hybrid');
    expect(result.items[0]).toMatchObject({ title: 'Guide e', similarity: expect.any(Number) });
    expect(requests()).toEqual([['batchEmbedContents', 1, 'RETRIEVAL_QUERY']]);
  });

  it('retries rate limits with backoff inside the job, then serves every vector', async () => {
    gemini.embedRequests.length = 0;
    gemini.failEmbeddings({ code: 429 }, { code: 503 });
    const { site, ready } = await addWebsite('https://ratelimited.example/', [page('f', 10)]);
    expect(ready).toMatchObject({ status: 'ready', chunks: 10, warning: null });
    expect(requests()).toEqual([['batchEmbedContents', 10, 'RETRIEVAL_DOCUMENT']]);
    expect((await served(site.id)).every((c) => c.embedding?.length === 768)).toBe(true);
  });

  it('when embedding keeps failing, the source is served by keywords with a warning; the next sync fills the vectors', async () => {
    gemini.failEmbeddings({ code: 429 }, { code: 429 }, { code: 429 });
    const url = 'https://quota.example/';
    const { site, source, ready } = await addWebsite(url, [page('g', 10), page('h', 10)]);
    expect(ready).toMatchObject({ status: 'ready', chunks: 20, warning: { code: 'embeddings_unavailable' } });
    expect(ready.warning?.message).toContain('keywords only');
    expect((await served(site.id)).every((c) => c.embedding === null)).toBe(true);
    const found = await app.admin(`/v1/admin/sites/${site.id}/knowledge/search`, { method: 'POST', json: { q: 'g3w1' } });
    expect(((await found.json()) as KnowledgeSearchResult).items[0]?.title).toBe('Guide g');

    gemini.embedRequests.length = 0;
    expect(await resync(source.id)).toMatchObject({ status: 'ready', warning: null });
    expect(requests()).toEqual([['batchEmbedContents', 20, 'RETRIEVAL_DOCUMENT']]);
    expect((await served(site.id)).every((c) => c.embedding?.length === 768)).toBe(true);
  });

  it('an error that retrying cannot fix (400) is not retried', async () => {
    gemini.embedRequests.length = 0;
    gemini.failEmbeddings({ code: 400 });
    const { ready } = await addWebsite('https://refused.example/', [page('i', 3)]);
    expect(ready).toMatchObject({ status: 'ready', chunks: 3, warning: { code: 'embeddings_unavailable' } });
    expect(ready.warning?.message).toContain('error 400');
    expect(requests()).toEqual([]);
  });
});
