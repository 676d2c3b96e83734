import type { AgentProfileDoc } from '../db/models/agentProfile.js';
import type { Models } from '../db/models/index.js';
import { upsertOnce } from './writeErrors.js';

const profileId = (tenantId: string, agentId: string) => `${tenantId}|${agentId}`;

/** Agents' own settings (model in `db/models/agentProfile.ts`). */
export function agentProfileRepository({ AgentProfile }: Models) {
  return {
    async displayName(tenantId: string, agentId: string): Promise<string | null> {
      const doc = await AgentProfile.findById(profileId(tenantId, agentId)).lean<AgentProfileDoc>();
      return doc?.displayName ?? null;
    },
    async setDisplayName(tenantId: string, agentId: string, displayName: string | null, now: Date): Promise<void> {
      const _id = profileId(tenantId, agentId);
      if (displayName === null) await AgentProfile.deleteOne({ _id });
      else
        await upsertOnce(() =>
          AgentProfile.updateOne({ _id }, { $set: { tenantId, agentId, displayName, updatedAt: now } }, { upsert: true }),
        );
    },
  };
}
export type AgentProfileRepository = ReturnType<typeof agentProfileRepository>;
