import type { Models } from '../db/models/index.js';
import type { KnowledgeChunkDoc } from '../db/models/knowledge.js';
import { oid } from './cursor.js';

/** A stored chunk with string ids and its vector as floats (the model says what each field is). */
export type ChunkRecord = Omit<KnowledgeChunkDoc, '_id' | 'siteId' | 'sourceId' | 'embedding'> & {
  id: string;
  siteId: string;
  sourceId: string;
  embedding: Float32Array | null;
};
export type NewChunk = Omit<ChunkRecord, 'id' | 'createdAt'>;

/** The stored bytes of a vector (a Buffer, or the driver's Binary on a lean read) as floats, copied to be aligned. */
function toVector(stored: unknown): Float32Array | null {
  if (!stored) return null;
  const bytes = Buffer.isBuffer(stored) ? stored : (stored as { buffer: Uint8Array }).buffer;
  if (!bytes || bytes.length === 0 || bytes.length % 4 !== 0) return null;
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

const toBytes = (vector: Float32Array | null) =>
  vector ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength) : null;

const toChunk = (doc: KnowledgeChunkDoc): ChunkRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  sourceId: String(doc.sourceId),
  generation: doc.generation,
  title: doc.title,
  url: doc.url ?? null,
  page: doc.page ?? null,
  headingPath: [...(doc.headingPath ?? [])],
  text: doc.text,
  hash: doc.hash,
  position: doc.position,
  embedding: toVector(doc.embedding),
  embeddingModel: doc.embeddingModel ?? null,
  createdAt: doc.createdAt,
});

/** Rows per insert: a large document's chunks go in a few round trips, never as one huge batch. */
const INSERT_BATCH = 200;

export function knowledgeChunkRepository({ KnowledgeChunk }: Models) {
  return {
    async insertMany(chunks: NewChunk[]): Promise<void> {
      for (let i = 0; i < chunks.length; i += INSERT_BATCH)
        await KnowledgeChunk.insertMany(
          chunks
            .slice(i, i + INSERT_BATCH)
            .map((c) => ({ ...c, siteId: oid(c.siteId), sourceId: oid(c.sourceId), embedding: toBytes(c.embedding) })),
          { ordered: false },
        );
    },
    /** One generation of a source's chunks, in order (a re-sync copies the unchanged pages' chunks from the served one). */
    async forGeneration(tenantId: string, sourceId: string, generation: number): Promise<ChunkRecord[]> {
      const docs = await KnowledgeChunk.find({ tenantId, sourceId: oid(sourceId), generation }).lean<KnowledgeChunkDoc[]>();
      return docs.map(toChunk).sort((a, b) => a.position - b.position);
    },
    /**
     * The chunks a site serves: of each source, only its current generation (`generations`: source id → served
     * generation, from the sources). A sync's unfinished next generation and an old one being removed are left out.
     */
    async servedForSite(tenantId: string, siteId: string, generations: ReadonlyMap<string, number>): Promise<ChunkRecord[]> {
      if (generations.size === 0) return [];
      const docs = await KnowledgeChunk.find({ tenantId, siteId: oid(siteId) }).lean<KnowledgeChunkDoc[]>();
      return docs.filter((doc) => generations.get(String(doc.sourceId)) === doc.generation).map(toChunk);
    },
    /** Removes a source's chunks of every generation but `keep` (after a swap, or a failed sync's leftovers). */
    async deleteOtherGenerations(tenantId: string, sourceId: string, keep: number): Promise<number> {
      const result = await KnowledgeChunk.deleteMany({ tenantId, sourceId: oid(sourceId), generation: { $ne: keep } });
      return result.deletedCount;
    },
    async deleteForSource(tenantId: string, sourceId: string): Promise<number> {
      const result = await KnowledgeChunk.deleteMany({ tenantId, sourceId: oid(sourceId) });
      return result.deletedCount;
    },
  };
}
export type KnowledgeChunkRepository = ReturnType<typeof knowledgeChunkRepository>;
