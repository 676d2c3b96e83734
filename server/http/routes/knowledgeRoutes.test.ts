import { afterAll, describe, expect, it } from 'vitest';
import type { Source } from '../../../contract/knowledge.js';
import { servedChunks } from '../../domain/knowledge/servedChunks.js';
import type { FetchSourcePages } from '../../domain/knowledge/sourcePages.js';
import { clerkTestKit } from '../../test/clerkTokens.js';
import { makeDocx, makePdf } from '../../test/knowledgeFiles.js';
import { startTestApp } from '../../test/testApp.js';

const clerk = await clerkTestKit();
/** The web edge: a few pages, one of which fails (the fetcher's own tests cover real HTTP). */
const fetchPages: FetchSourcePages = async function* (source) {
  yield {
    url: `${source.url}a`,
    document: { title: 'Pricing', url: `${source.url}a`, page: null, text: '# Plans\n\nThe pro plan costs 20 euros a month.' },
  };
  yield { url: `${source.url}b`, error: { code: 'http_404', message: 'The page answered 404' } };
  yield {
    url: `${source.url}c`,
    document: { title: 'Support', url: `${source.url}c`, page: null, text: 'Write to support at any hour.' },
  };
};
const app = await startTestApp(import.meta.url, {
  adminAuth: clerk.auth,
  env: { KNOWLEDGE_MAX_SOURCES: '14' },
  services: { fetchPages },
});
afterAll(() => app.close());

const { admin, member, otherAdmin } = await clerk.orgSessions();
const site = await app.createSite({ name: 'Docs' }, admin);
const repos = app.services.repos;
const served = () => servedChunks({ sources: repos.knowledgeSources, chunks: repos.knowledgeChunks }, 'org:org_a', site.id);

const addText = (title: string, text: string, token = admin) =>
  app.admin(`/v1/admin/sites/${site.id}/sources`, { method: 'POST', token, json: { type: 'text', title, text } });

function upload(data: Buffer, filename: string, token = admin, siteId = site.id) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), filename);
  return app.admin(`/v1/admin/sites/${siteId}/sources/files`, { method: 'POST', token, body: form });
}

/** Polls the source until its sync ends (ready or failed). */
async function settled(id: string): Promise<Source> {
  for (let tries = 0; tries < 600; tries++) {
    const res = await app.admin(`/v1/admin/sources/${id}`, { token: member });
    const source = (await res.json()) as Source;
    if (source.status === 'ready' || source.status === 'failed') return source;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the sync did not end');
}

describe('text sources', () => {
  it('are queued (202), then ready with their passages served, and listed for members', async () => {
    const version = await repos.knowledgeVersions.get(site.id);
    const res = await addText('Returns', '# Returns\n\nYou may return any item within 30 days for a full refund.');
    expect(res.status).toBe(202);
    const created = (await res.json()) as Source;
    expect(created).toMatchObject({ type: 'text', title: 'Returns', url: null, status: 'queued', pages: 0, chunks: 0 });
    const ready = await settled(created.id);
    expect(ready).toMatchObject({ status: 'ready', error: null, pages: 1, chunks: 1, failedPages: 0 });
    expect(ready.lastSyncedAt).not.toBeNull();
    const chunks = (await served()).filter((c) => c.sourceId === created.id);
    expect(chunks[0]).toMatchObject({ headingPath: ['Returns'], embedding: null });
    expect(chunks[0]?.text).toContain('within 30 days');
    // The stamp is bumped just after the swap that shows `ready`.
    await expect.poll(() => repos.knowledgeVersions.get(site.id)).not.toBe(version);

    const list = await app.admin(`/v1/admin/sites/${site.id}/sources?limit=50`, { token: member });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: Source[] }).items.map((s) => s.id)).toContain(created.id);
  });

  it('refuse bad bodies (400) and members (403), and are invisible to other organizations (404)', async () => {
    for (const json of [
      { type: 'text', title: ' ', text: 'x' },
      { type: 'url', url: 'ftp://example.com/' },
      { type: 'url', url: 'javascript:alert(1)' },
      { type: 'website', url: 'https://example.com', maxPages: 0 },
      { type: 'website', url: 'https://example.com', maxPages: 10_000 },
      { type: 'pdf', url: 'https://example.com' },
      { type: 'text', title: 'x', text: 'y', extra: 1 },
    ]) {
      const res = await app.admin(`/v1/admin/sites/${site.id}/sources`, { method: 'POST', token: admin, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
    expect((await addText('Nope', 'Members cannot add.', member)).status).toBe(403);
    const created = (await (await addText('Private', 'Only org a reads this.')).json()) as Source;
    await settled(created.id);
    for (const [path, method] of [
      [`/v1/admin/sources/${created.id}`, 'GET'],
      [`/v1/admin/sources/${created.id}/sync`, 'POST'],
      [`/v1/admin/sources/${created.id}`, 'DELETE'],
      [`/v1/admin/sites/${site.id}/sources`, 'GET'],
      [`/v1/admin/sites/${site.id}/sources`, 'POST'],
    ] as const) {
      const res = await app.admin(path, {
        method,
        token: otherAdmin,
        ...(method === 'POST' && path.endsWith('sources') ? { json: { type: 'text', title: 'x', text: 'y' } } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await upload(Buffer.from('hello'), 'a.txt', otherAdmin)).status).toBe(404);
    expect((await app.admin(`/v1/admin/sources/${created.id}/sync`, { method: 'POST', token: member })).status).toBe(403);
    expect((await app.admin(`/v1/admin/sources/${created.id}`, { method: 'DELETE', token: member })).status).toBe(403);
  });

  it('re-sync skips an unchanged page (its passages, embeddings included, are kept) and bumps the version', async () => {
    const created = (await (await addText('Shipping', 'Orders ship within two working days.')).json()) as Source;
    await settled(created.id);
    const [chunk] = (await served()).filter((c) => c.sourceId === created.id);
    const vector = Buffer.from(new Float32Array([0.25, 0.5]).buffer);
    await app.models.KnowledgeChunk.updateOne({ _id: chunk?.id }, { $set: { embedding: vector, embeddingModel: 'm@2' } });
    const version = await repos.knowledgeVersions.get(site.id);
    const res = await app.admin(`/v1/admin/sources/${created.id}/sync`, { method: 'POST', token: admin });
    expect(res.status).toBe(202);
    const again = await settled(created.id);
    expect(again).toMatchObject({ status: 'ready', chunks: 1, pages: 1 });
    const [kept] = (await served()).filter((c) => c.sourceId === created.id);
    expect(kept?.id).not.toBe(chunk?.id); // the new generation's copy …
    expect(kept?.embedding).toEqual(new Float32Array([0.25, 0.5])); // … of the unchanged page, not a new chunking
    expect(kept?.embeddingModel).toBe('m@2');
    // The stamp is bumped just after the swap that shows `ready`.
    await expect.poll(() => repos.knowledgeVersions.get(site.id)).not.toBe(version);
    expect(await app.models.KnowledgeChunk.countDocuments({ sourceId: chunk?.sourceId })).toBe(1);
  });

  it('delete (204) removes the passages at once', async () => {
    const created = (await (await addText('Gone', 'This passage is about to be deleted.')).json()) as Source;
    await settled(created.id);
    expect((await served()).some((c) => c.sourceId === created.id)).toBe(true);
    const version = await repos.knowledgeVersions.get(site.id);
    expect((await app.admin(`/v1/admin/sources/${created.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await served()).some((c) => c.sourceId === created.id)).toBe(false);
    expect(await app.models.KnowledgeChunk.countDocuments({ sourceId: created.id })).toBe(0);
    expect(await repos.knowledgeVersions.get(site.id)).not.toBe(version);
    expect((await app.admin(`/v1/admin/sources/${created.id}`, { token: admin })).status).toBe(404);
  });
});

describe('web sources', () => {
  it('serve the pages read, count the failed ones with their reason', async () => {
    const res = await app.admin(`/v1/admin/sites/${site.id}/sources`, {
      method: 'POST',
      token: admin,
      json: { type: 'website', url: 'https://shop.example/', maxPages: 10 },
    });
    expect(res.status).toBe(202);
    const created = (await res.json()) as Source;
    expect(created).toMatchObject({ type: 'website', title: 'shop.example', url: 'https://shop.example/' });
    const ready = await settled(created.id);
    expect(ready).toMatchObject({ status: 'ready', pages: 2, chunks: 2, failedPages: 1 });
    expect(ready.failures).toEqual([
      { url: 'https://shop.example/b', page: null, code: 'http_404', message: 'The page answered 404' },
    ]);
    const chunks = (await served()).filter((c) => c.sourceId === created.id);
    expect(chunks.map((c) => c.url).sort()).toEqual(['https://shop.example/a', 'https://shop.example/c']);
    expect(chunks.find((c) => c.url?.endsWith('a'))?.headingPath).toEqual(['Pricing', 'Plans']);
  });
});

describe('file sources', () => {
  it('a PDF: one page each, with page numbers', async () => {
    const pdf = await makePdf([
      'Chapter one explains how to install the widget on a page.',
      'Chapter two covers billing and invoices in detail.',
      'Chapter three lists keyboard shortcuts.',
    ]);
    const res = await upload(pdf, 'manual.pdf');
    expect(res.status).toBe(202);
    const created = (await res.json()) as Source;
    expect(created).toMatchObject({ type: 'file', title: 'manual.pdf', status: 'queued' });
    const ready = await settled(created.id);
    expect(ready).toMatchObject({ status: 'ready', pages: 3, chunks: 3 });
    const chunks = (await served()).filter((c) => c.sourceId === created.id);
    expect(chunks.find((c) => c.text.includes('billing'))).toMatchObject({ page: 2, title: 'manual.pdf', url: null });
  });

  it('a password-protected PDF fails with a clear reason and stores no passage', async () => {
    const pdf = await makePdf(['Secret plans.'], { userPassword: 'secret' });
    const created = (await (await upload(pdf, 'locked.pdf')).json()) as Source;
    const failed = await settled(created.id);
    expect(failed).toMatchObject({ status: 'failed', chunks: 0, pages: 0 });
    expect(failed.error?.code).toBe('document_encrypted');
    expect(failed.error?.message).toMatch(/password/);
    expect(await app.models.KnowledgeChunk.countDocuments({ sourceId: created.id })).toBe(0);
  });

  it('a DOCX keeps its headings; a damaged one fails and stores nothing', async () => {
    const docx = await makeDocx([
      { heading: 'Warranty', paragraphs: ['Every device has a two year warranty.'] },
      { heading: 'Repairs', paragraphs: ['Repairs take about a week and are free under warranty.'] },
    ]);
    const created = (await (await upload(docx, 'terms.docx')).json()) as Source;
    const ready = await settled(created.id);
    expect(ready.status).toBe('ready');
    const chunks = (await served()).filter((c) => c.sourceId === created.id);
    expect(chunks.map((c) => c.text).join(' ')).toContain('two year warranty');
    expect(chunks.some((c) => c.headingPath.includes('Warranty') || c.text.includes('Warranty'))).toBe(true);

    const damaged = Buffer.from(docx);
    damaged.fill(0x41, Math.floor(damaged.length * 0.3), Math.floor(damaged.length * 0.4)); // a damaged zip
    const res = await upload(damaged, 'broken.docx');
    expect(res.status).toBe(202);
    const failed = await settled(((await res.json()) as Source).id);
    expect(failed).toMatchObject({ status: 'failed', chunks: 0 });
    expect(failed.error?.code).toBe('document_unreadable');
  });

  it('Markdown, HTML and plain text are read; other bytes are refused (415); over 20 MB is refused (413)', async () => {
    for (const [name, body, expected] of [
      [
        'guide.md',
        '# Setup\n\nRun the **installer** and follow [the guide](https://x.example).',
        'Run the installer and follow the guide.',
      ],
      [
        'page.html',
        '<!doctype html><html><head><title>FAQ page</title></head><body><h1>FAQ</h1><p>Opening hours are 9 to 5.</p></body></html>',
        'Opening hours are 9 to 5.',
      ],
      ['notes.txt', 'Plain notes about parking behind the building.', 'parking behind the building'],
    ] as const) {
      const created = (await (await upload(Buffer.from(body), name)).json()) as Source;
      expect((await settled(created.id)).status, name).toBe('ready');
      const text = (await served())
        .filter((c) => c.sourceId === created.id)
        .map((c) => c.text)
        .join(' ');
      expect(text, name).toContain(expected);
    }
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const refused = await upload(png, 'notes.txt');
    expect(refused.status).toBe(415);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unsupported_file_type');
    const binary = Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00]);
    expect((await upload(binary, 'x.txt')).status).toBe(415);

    const huge = await upload(Buffer.alloc(20 * 1024 * 1024 + 1, 0x61), 'huge.txt');
    expect(huge.status).toBe(413);
    expect((await huge.json()) as unknown).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await upload(Buffer.from('members may not upload'), 'm.txt', member)).status).toBe(403);
  });
});

describe('limits and site deletion', () => {
  it('refuses a source over the organization limit with 413', async () => {
    let status = 202;
    for (let i = 0; i < 20 && status === 202; i++) status = (await addText(`Filler ${i}`, `Filler text number ${i}.`)).status;
    expect(status).toBe(413);
    const res = await addText('One more', 'Over the limit.');
    expect(await res.json()).toMatchObject({ error: { code: 'knowledge_limit_reached' } });
    expect((await upload(Buffer.from('over the limit'), 'x.txt')).status).toBe(413);
  });

  it('deleting a site removes its sources and passages', async () => {
    const sources = await repos.knowledgeSources.forSite('org:org_a', site.id);
    expect(sources.length).toBeGreaterThan(0);
    const res = await app.admin(`/v1/admin/sites/${site.id}`, { method: 'DELETE', token: admin });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string };
    for (let tries = 0; ; tries++) {
      const state = (await (await app.admin(`/v1/admin/jobs/${job.id}`, { token: admin })).json()) as { status: string };
      if (state.status === 'done') break;
      if (tries > 400) throw new Error(`site deletion ${state.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await repos.knowledgeSources.forSite('org:org_a', site.id)).toEqual([]);
    expect(await app.models.KnowledgeChunk.countDocuments({ siteId: site.id })).toBe(0);
    expect(await app.models.KnowledgeFilePart.countDocuments({})).toBe(0);
    expect(await repos.knowledgeVersions.get(site.id)).toBeNull();
  });
});
