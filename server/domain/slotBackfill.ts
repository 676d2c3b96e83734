import type { ConversationRepository } from '../data/conversationRepository.js';
import type { DailyCountRepository } from '../data/dailyCountRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';
import type { SiteRepository } from '../data/siteRepository.js';
import type { JobHandler } from './jobs/jobWorker.js';
import { isOver } from './statsService.js';

/**
 * The one-time job (keyed, once per database) that gives `slot` to the conversations, messages and images stored
 * before it existed: until then a page back reaches them only through its whole-conversation step, and the stats of
 * their open day leave them out of its hours and ten minutes. Tenant after tenant, collection after collection
 * (`backfillSlot`: batches, resumable, idempotent); the job queue's lease decides which instance runs it. The kept
 * parts (hours, ten minutes) of the open days whose documents got a slot are forgotten, so they are counted again; a
 * finished day is kept whole, counted by `day`, which those documents always had.
 */
export function slotBackfill(deps: {
  sites: SiteRepository;
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  dailyCounts: DailyCountRepository;
  now?: () => Date;
}): JobHandler {
  const now = deps.now ?? (() => new Date());
  return async ({ signal }) => {
    for (const tenantId of await deps.sites.tenantIds())
      for (const collection of [deps.conversations, deps.messages, deps.images]) {
        if (signal.aborted) return;
        const days = await collection.backfillSlot(tenantId, signal);
        await deps.dailyCounts.forget(
          tenantId,
          days.filter((day) => !isOver(day, now())),
        );
      }
  };
}
