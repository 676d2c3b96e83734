import type { RemovalCounts } from '../../contract/dataRemoval.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { JobRecord, JobRepository } from '../data/jobRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';
import type { SiteRepository } from '../data/siteRepository.js';
import type { VisitorRepository } from '../data/visitorRepository.js';
import { type DataRemoval, noRemovals, REMOVAL_BATCH, stopWhenAborted } from './dataRemoval.js';
import type { JobHandler } from './jobs/jobWorker.js';
import type { SiteService } from './siteService.js';

export const SITE_DELETION = 'site.delete';

export interface SiteDeletionDeps {
  sites: SiteService;
  siteRecords: SiteRepository;
  jobs: JobRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  visitors: VisitorRepository;
  removal: DataRemoval;
  /** The site's records outside conversations and visitors (knowledge, usage, daily counts, removal records). */
  deleteExtras: (tenantId: string, siteId: string) => Promise<void>;
  now: () => Date;
}

export type SiteDeletionProgress = Omit<RemovalCounts, 'leads'>;

/**
 * Deleting a site: the record goes at once (404 for admins, sessions refused), everything it owns goes in the
 * background on the job queue, in batches, idempotently (a resumed job continues where the data ends), through the
 * same removal steps as an erasure (`dataRemoval`).
 */
export function siteDeletion(deps: SiteDeletionDeps) {
  const handler: JobHandler = async ({ job, signal, progress }) => {
    const tenantId = job.tenantId as string;
    const siteId = String(job.payload.siteId);
    const counts = { ...noRemovals(), ...job.progress };
    const check = stopWhenAborted(signal);
    const report = () => {
      const { leads: _leads, ...shown } = counts;
      return progress(shown);
    };
    await deps.siteRecords.delete(tenantId, siteId);

    // Images first (the site's uploads, attached or not), so no URL keeps answering while the rest goes.
    for (let batch = await deps.images.forSite(tenantId, siteId, REMOVAL_BATCH); batch.length; ) {
      check();
      for (const image of batch) await deps.removal.image(image, counts);
      await report();
      batch = await deps.images.forSite(tenantId, siteId, REMOVAL_BATCH);
    }
    for (let ids = await deps.conversations.idsForSite(tenantId, siteId, REMOVAL_BATCH); ids.length; ) {
      await deps.removal.conversations(tenantId, ids, counts, check);
      await report();
      ids = await deps.conversations.idsForSite(tenantId, siteId, REMOVAL_BATCH);
    }
    check();
    // What is left of its messages once its conversations are gone (an answer stored late).
    counts.messages += await deps.messages.deleteForSite(tenantId, siteId);
    counts.visitors += await deps.visitors.deleteForSite(tenantId, siteId);
    await deps.deleteExtras(tenantId, siteId);
    await report();
  };

  return {
    handler,
    /** Removes the site record now and queues the deletion of its data; the job is what the admin follows. */
    async start(tenantId: string, siteId: string): Promise<JobRecord> {
      await deps.sites.get(tenantId, siteId); // 404 for another tenant's or a deleted site
      // Queued before the record goes: a failure in between leaves a site to delete again, never orphaned data.
      const job = await deps.jobs.enqueue(
        {
          type: SITE_DELETION,
          key: `${SITE_DELETION}:${siteId}`,
          tenantId,
          payload: { siteId },
        },
        deps.now(),
      );
      await deps.sites.delete(tenantId, siteId);
      return job;
    },
  };
}
export type SiteDeletion = ReturnType<typeof siteDeletion>;
