import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, type Models } from '../db/models/index.js';
import { openTestDatabase } from '../test/database.js';
import { knowledgeChunkRepository, type NewChunk } from './knowledgeChunkRepository.js';
import { knowledgeFileRepository } from './knowledgeFileRepository.js';
import { knowledgeSourceRepository } from './knowledgeSourceRepository.js';
import { knowledgeVersionRepository } from './knowledgeVersionRepository.js';

let connection: Connection;
let models: Models;
beforeAll(async () => {
  connection = await openTestDatabase(import.meta.url);
  models = await createModels(connection);
});
afterAll(() => connection?.close());

const siteId = String(new Types.ObjectId());
const chunk = (sourceId: string, generation: number, position: number): NewChunk => ({
  tenantId: 't1',
  siteId,
  sourceId,
  generation,
  title: 'Doc',
  url: null,
  page: null,
  headingPath: ['Doc', 'Part'],
  text: `text ${position}`,
  hash: `h${position}`,
  position,
  embedding: null,
  embeddingModel: null,
});

describe('knowledge repositories', () => {
  it('keeps a file in parts and reads it back whole, only for its tenant', async () => {
    const files = knowledgeFileRepository(models);
    const sourceId = String(new Types.ObjectId());
    const data = Buffer.alloc(2.5 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const parts = await files.save('t1', sourceId, data);
    expect(parts).toBe(3);
    expect((await files.read('t1', sourceId, parts))?.equals(data)).toBe(true);
    expect(await files.read('t2', sourceId, parts)).toBeNull();
    await files.delete(sourceId, parts);
    expect(await files.read('t1', sourceId, parts)).toBeNull();
  });

  it('serves only the current generation of each source, and counts a tenant', async () => {
    const sources = knowledgeSourceRepository(models);
    const chunks = knowledgeChunkRepository(models);
    const a = await sources.create({
      tenantId: 't1',
      siteId,
      type: 'text',
      title: 'A',
      url: null,
      text: 'x',
      maxPages: null,
      file: null,
    });
    expect(a.status).toBe('queued');
    await chunks.insertMany([chunk(a.id, 1, 0), chunk(a.id, 1, 1), chunk(a.id, 2, 0)]);
    await sources.update('t1', a.id, { generation: 1, pages: 1, chunks: 2, status: 'ready' });
    const served = await chunks.servedForSite('t1', siteId, new Map([[a.id, 1]]));
    expect(served.map((c) => c.position).sort()).toEqual([0, 1]);
    expect(served[0]?.embedding).toBeNull();
    expect(await chunks.deleteOtherGenerations('t1', a.id, 1)).toBe(1);
    expect(await sources.totalsForTenant('t1')).toEqual({ sources: 1, pages: 1, chunks: 2 });
    expect(await sources.findForTenant('t2', a.id)).toBeNull();
    const page = await sources.listForSite('t1', siteId, 10);
    expect(page.items.map((s) => s.id)).toEqual([a.id]);
  });

  it('stamps a new knowledge version on every change', async () => {
    const versions = knowledgeVersionRepository(models);
    expect(await versions.get(siteId)).toBeNull();
    const first = await versions.bump('t1', siteId);
    const second = await versions.bump('t1', siteId);
    expect(first).not.toBe(second);
    expect(await versions.get(siteId)).toBe(second);
  });
});
