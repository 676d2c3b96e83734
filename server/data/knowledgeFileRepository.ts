import type { Models } from '../db/models/index.js';
import type { KnowledgeFilePartDoc } from '../db/models/knowledge.js';
import { oid } from './cursor.js';

/** Bytes per stored part: well under the 16 MB document limit, also once the embedded database encodes them. */
const PART_BYTES = 1024 * 1024;

const partId = (sourceId: string, n: number) => `${sourceId}:${n}`;
const partIds = (sourceId: string, parts: number) => Array.from({ length: parts }, (_, n) => partId(sourceId, n));

/**
 * An uploaded knowledge file's bytes, kept in the database (so whichever instance runs the job reads them) in parts
 * reached by `_id`.
 */
export function knowledgeFileRepository({ KnowledgeFilePart }: Models) {
  return {
    /** Stores the bytes; answers how many parts they took. */
    async save(tenantId: string, sourceId: string, data: Buffer): Promise<number> {
      const parts = Math.max(1, Math.ceil(data.length / PART_BYTES));
      for (let n = 0; n < parts; n++)
        await KnowledgeFilePart.create({
          _id: partId(sourceId, n),
          tenantId,
          sourceId: oid(sourceId),
          data: data.subarray(n * PART_BYTES, (n + 1) * PART_BYTES),
        });
      return parts;
    },
    /** The whole file; null when a part is missing (deleted meanwhile). */
    async read(tenantId: string, sourceId: string, parts: number): Promise<Buffer | null> {
      const docs = await KnowledgeFilePart.find({ _id: { $in: partIds(sourceId, parts) } }).lean<KnowledgeFilePartDoc[]>();
      const byId = new Map(docs.filter((d) => d.tenantId === tenantId).map((d) => [d._id, d]));
      const buffers: Buffer[] = [];
      for (const id of partIds(sourceId, parts)) {
        const doc = byId.get(id);
        if (!doc) return null;
        const data = doc.data as unknown as Buffer | { buffer: Uint8Array };
        buffers.push(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer));
      }
      return Buffer.concat(buffers);
    },
    async delete(sourceId: string, parts: number): Promise<void> {
      await KnowledgeFilePart.deleteMany({ _id: { $in: partIds(sourceId, parts) } });
    },
  };
}
export type KnowledgeFileRepository = ReturnType<typeof knowledgeFileRepository>;
