import type { Models } from '../db/models/index.js';
import type { UsageDoc } from '../db/models/usage.js';
import { isDuplicateKey } from './messageRepository.js';

const usageId = (siteId: string, day: string) => `${siteId}:${day}`;

export function usageRepository({ Usage }: Models) {
  return {
    /**
     * Counts one model call of a site on `day` and returns the day's count so far (this one included). One `$inc` on
     * a document read by `_id`; the embedded database may lose increments that race (measured in modelBudget.test.ts).
     */
    async countModelCall(tenantId: string, siteId: string, day: string): Promise<number> {
      const update = () =>
        Usage.findOneAndUpdate(
          { _id: usageId(siteId, day) },
          { $inc: { modelCalls: 1 }, $setOnInsert: { tenantId, siteId, day } },
          { upsert: true, returnDocument: 'after' },
        ).lean<UsageDoc>();
      // Two first calls of the day can both try to insert: the loser counts on the winner's document.
      const doc = await update().catch((error: unknown) => {
        if (isDuplicateKey(error)) return update();
        throw error;
      });
      return doc?.modelCalls ?? 1;
    },
    async modelCalls(siteId: string, day: string): Promise<number> {
      const doc = await Usage.findById(usageId(siteId, day)).lean<UsageDoc>();
      return doc?.modelCalls ?? 0;
    },
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      await Usage.deleteMany({ tenantId, siteId });
    },
  };
}
export type UsageRepository = ReturnType<typeof usageRepository>;
