import { randomBytes } from 'node:crypto';
import type { Models } from '../db/models/index.js';
import type { KnowledgeVersionDoc } from '../db/models/knowledge.js';
import { upsertOnce } from './writeErrors.js';

/** A site's knowledge version stamp: changes whenever the chunks it serves change; read by `_id` (cheap on every send). */
export function knowledgeVersionRepository({ KnowledgeVersion }: Models) {
  return {
    /** The site's current stamp; null when its knowledge never changed. */
    async get(siteId: string): Promise<string | null> {
      const doc = await KnowledgeVersion.findById(siteId).lean<KnowledgeVersionDoc>();
      return doc?.stamp ?? null;
    },
    async bump(tenantId: string, siteId: string, now = new Date()): Promise<string> {
      const stamp = randomBytes(9).toString('base64url');
      await upsertOnce(() =>
        KnowledgeVersion.updateOne({ _id: siteId }, { $set: { tenantId, stamp, changedAt: now } }, { upsert: true }),
      );
      return stamp;
    },
    async delete(siteId: string): Promise<void> {
      await KnowledgeVersion.deleteOne({ _id: siteId });
    },
  };
}
export type KnowledgeVersionRepository = ReturnType<typeof knowledgeVersionRepository>;
