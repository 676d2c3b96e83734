import type { ConversationRepository } from '../data/conversationRepository.js';
import type { ImageRecord, ImageRepository } from '../data/imageRepository.js';
import type { JobRecord, JobRepository } from '../data/jobRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';
import type { SiteRepository } from '../data/siteRepository.js';
import type { VisitorRepository } from '../data/visitorRepository.js';
import type { JobHandler } from './jobs/jobWorker.js';
import type { SiteService } from './siteService.js';

export const SITE_DELETION = 'site.delete';

/** Rows deleted per batch; progress is stored after each. */
const BATCH = 100;

export interface SiteDeletionDeps {
  sites: SiteService;
  siteRecords: SiteRepository;
  jobs: JobRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  visitors: VisitorRepository;
  /** Removes an image's bytes from its storage (local files or ImageKit); a missing file is not an error. */
  deleteImageFile: (image: ImageRecord) => Promise<void>;
  /** Other per-site records to remove (e.g. model usage). */
  deleteExtras?: (tenantId: string, siteId: string) => Promise<void>;
}

export type SiteDeletionProgress = { conversations: number; messages: number; images: number; visitors: number };

const stopped = () => Object.assign(new Error('Site deletion stopped'), { name: 'AbortError' });

/**
 * Deleting a site: the record goes at once (404 for admins, sessions refused), everything it owns goes in the
 * background on the job queue, in batches, idempotently (a resumed job continues where the data ends).
 */
export function siteDeletion(deps: SiteDeletionDeps) {
  const handler: JobHandler = async ({ job, signal, progress }) => {
    const tenantId = job.tenantId as string;
    const siteId = String(job.payload.siteId);
    const done: SiteDeletionProgress = { conversations: 0, messages: 0, images: 0, visitors: 0, ...job.progress };
    const check = () => {
      if (signal.aborted) throw stopped();
    };
    await deps.siteRecords.delete(tenantId, siteId);

    // Images first (bytes in storage, then the record): a URL must stop answering before its record is forgotten.
    for (let batch = await deps.images.forSite(tenantId, siteId, BATCH); batch.length; ) {
      for (const image of batch) {
        check();
        await deps.deleteImageFile(image);
        await deps.images.delete(image.id);
        done.images++;
      }
      await progress(done);
      batch = await deps.images.forSite(tenantId, siteId, BATCH);
    }
    // Conversations with their messages, in-flight answers and windows.
    for (let ids = await deps.conversations.idsForSite(tenantId, siteId, BATCH); ids.length; ) {
      for (const id of ids) {
        check();
        done.messages += await deps.messages.deleteForConversation(tenantId, id);
        await deps.messages.endStreamsForConversation(tenantId, id);
        await deps.conversations.delete(tenantId, id);
        done.conversations++;
      }
      await progress(done);
      ids = await deps.conversations.idsForSite(tenantId, siteId, BATCH);
    }
    check();
    done.messages += await deps.messages.deleteForSite(tenantId, siteId);
    done.visitors += await deps.visitors.deleteForSite(tenantId, siteId);
    await deps.deleteExtras?.(tenantId, siteId);
    await progress(done);
  };

  return {
    handler,
    /** Removes the site record now and queues the deletion of its data; the job is what the admin follows. */
    async start(tenantId: string, siteId: string): Promise<JobRecord> {
      await deps.sites.get(tenantId, siteId); // 404 for another tenant's or a deleted site
      // Queued before the record goes: a failure in between leaves a site to delete again, never orphaned data.
      const job = await deps.jobs.enqueue({
        type: SITE_DELETION,
        key: `${SITE_DELETION}:${siteId}`,
        tenantId,
        payload: { siteId },
      });
      await deps.sites.delete(tenantId, siteId);
      return job;
    },
  };
}
export type SiteDeletion = ReturnType<typeof siteDeletion>;
