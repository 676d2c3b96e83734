import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Source } from '../../../contract/knowledge.js';
import { startTestApp } from '../../test/testApp.js';

// A real page on loopback (allowed by KNOWLEDGE_ALLOW_PRIVATE_HOSTS, as for intranets): the server's own web fetching.
const site = createServer((req, res) => {
  if (req.url === '/robots.txt') return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    '<!doctype html><html><head><title>Opening hours</title></head><body><h1>Hours</h1><p>The shop opens at nine and closes at six.</p></body></html>',
  );
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
const app = await startTestApp(import.meta.url, { env: { KNOWLEDGE_ALLOW_PRIVATE_HOSTS: 'true' } });
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => site.close(resolve));
});

describe('a url source, fetched by the server', () => {
  it('becomes ready with the page text', async () => {
    const created = await app.createSite({ name: 'Web' });
    const res = await app.admin(`/v1/admin/sites/${created.id}/sources`, {
      method: 'POST',
      json: { type: 'url', url: `${origin}/hours` },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Source;
    let source: Source | undefined;
    for (let tries = 0; tries < 400; tries++) {
      source = (await (await app.admin(`/v1/admin/sources/${id}`)).json()) as Source;
      if (source.status === 'ready' || source.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(source).toMatchObject({ status: 'ready', pages: 1, error: null });
    const chunks = await app.models.KnowledgeChunk.find({ sourceId: id }).lean();
    expect(chunks.map((c) => c.text).join(' ')).toContain('opens at nine');
    expect(chunks[0]?.url).toBe(`${origin}/hours`);
  });
});
