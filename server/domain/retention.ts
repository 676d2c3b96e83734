import type { ConversationRepository } from '../data/conversationRepository.js';
import { utcDay } from '../data/cursor.js';
import type { RemovalRepository } from '../data/removalRepository.js';
import type { SiteRepository } from '../data/siteRepository.js';
import type { VisitorRepository } from '../data/visitorRepository.js';
import { type DataRemoval, noRemovals, REMOVAL_BATCH, stopWhenAborted } from './dataRemoval.js';
import type { JobHandler } from './jobs/jobWorker.js';

export const RETENTION = 'retention.run';
export const RETENTION_EVERY_MS = 86_400_000;

/**
 * The daily retention run (a recurring job): for every site with `retentionDays`, deletes the conversations whose
 * last message is on a day before the cutoff (with their messages, images, windows and logs, through `dataRemoval`),
 * then the visitors older than the cutoff left without conversations (and their leads), and records a run per site.
 * Whole conversations go, by their last day: a conversation still in use keeps its earlier turns.
 */
export function retention(deps: {
  siteRecords: SiteRepository;
  conversations: ConversationRepository;
  visitors: VisitorRepository;
  removal: DataRemoval;
  records: RemovalRepository;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const handler: JobHandler = async ({ signal }) => {
    const check = stopWhenAborted(signal);
    for (const site of await deps.siteRecords.withRetention()) {
      const { tenantId, id: siteId } = site;
      const before = new Date(now().getTime() - (site.retentionDays as number) * 86_400_000);
      const counts = noRemovals();
      for (
        let ids = await deps.conversations.idsLastActiveBefore(tenantId, siteId, utcDay(before), REMOVAL_BATCH);
        ids.length;
      ) {
        await deps.removal.conversations(tenantId, ids, counts, check);
        ids = await deps.conversations.idsLastActiveBefore(tenantId, siteId, utcDay(before), REMOVAL_BATCH);
      }
      let after: { at: Date; id: string } | undefined;
      for (;;) {
        const batch = await deps.visitors.createdBefore(tenantId, siteId, before, REMOVAL_BATCH, after);
        const last = batch.at(-1);
        if (!last) break;
        check();
        for (const visitor of batch)
          if (!(await deps.conversations.idsForVisitor(tenantId, visitor.id, 1)).length)
            await deps.removal.visitorRecord(visitor, counts);
        after = { at: last.createdAt, id: last.id };
      }
      await deps.records.create({ tenantId, siteId, kind: 'retention', subject: null, before, counts });
    }
  };
  return { handler };
}
