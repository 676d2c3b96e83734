import type { Models } from '../db/models/index.js';
import type { UsageDoc } from '../db/models/usage.js';
import { isDuplicateKey } from './writeErrors.js';

/** A site's model calls on one day, as reserved: blocks taken by instances, and a count from before blocks. */
export interface DayUsage {
  /** Calls counted one by one before blocks (that day's document from an earlier version), 0 if none. */
  counted: number;
  /** The blocks reserved so far, by number. */
  blocks: { block: number; size: number }[];
}

const blockId = (siteId: string, day: string, block: number) => `${siteId}:${day}:${block}`;

export function usageRepository({ Usage }: Models) {
  return {
    /**
     * Reserves block `block` of a site's model calls on `day` for the caller: the insert of its `_id` succeeds for
     * exactly one caller on every instance (atomic on both databases, unlike a `$inc` the embedded database can lose).
     * `false` when another holds it.
     */
    async reserveBlock(tenantId: string, siteId: string, day: string, block: number, size: number): Promise<boolean> {
      try {
        await Usage.collection.insertOne({ _id: blockId(siteId, day, block) as never, tenantId, siteId, day, block, size });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    /** What was reserved of a site's model calls on `day` (a few documents: one per block). */
    async dayUsage(tenantId: string, siteId: string, day: string): Promise<DayUsage> {
      const docs = await Usage.find({ tenantId, siteId, day }).lean<UsageDoc[]>();
      return {
        counted: docs.reduce((sum, doc) => sum + (doc.block === undefined ? (doc.modelCalls ?? 0) : 0), 0),
        blocks: docs.flatMap((doc) => (doc.block === undefined ? [] : [{ block: doc.block, size: doc.size ?? 0 }])),
      };
    },
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      await Usage.deleteMany({ tenantId, siteId });
    },
  };
}
export type UsageRepository = ReturnType<typeof usageRepository>;
