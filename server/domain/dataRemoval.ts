import type { RemovalCounts } from '../../contract/dataRemoval.js';
import type { ConversationLockRepository } from '../data/conversationLockRepository.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import type { ImageRecord, ImageRepository } from '../data/imageRepository.js';
import type { JobRepository } from '../data/jobRepository.js';
import type { LiveEventRepository } from '../data/liveEventRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';
import type { VisitorRecord, VisitorRepository } from '../data/visitorRepository.js';
import { conversationScope, tenantScope } from './handoff/liveLog.js';

/** Rows removed per batch (between two checks of the job's signal). */
export const REMOVAL_BATCH = 100;

export const noRemovals = (): RemovalCounts => ({ conversations: 0, messages: 0, images: 0, visitors: 0, leads: 0 });

export interface DataRemovalDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  visitors: VisitorRepository;
  liveEvents: LiveEventRepository;
  locks: ConversationLockRepository;
  jobs: JobRepository;
  /** Removes an image's bytes from its storage (local files or ImageKit); a missing file is not an error. */
  deleteImageFile: (image: ImageRecord) => Promise<void>;
}

/** Throws an AbortError when a job's signal aborted: the job stops at the next batch and resumes from the data. */
export function stopWhenAborted(signal?: AbortSignal): () => void {
  return () => {
    if (signal?.aborted) throw Object.assign(new Error('Removal stopped'), { name: 'AbortError' });
  };
}

/**
 * The one home of deleting people's data: a conversation with everything that hangs from it, a visitor with their
 * conversations, uploads and lead. Erasure, retention, a conversation's deletion and a site's deletion all go through
 * here, so a collection added later is removed everywhere by adding it once. Every step is idempotent (run again after
 * a crash, it continues from what is left) and counts into `counts`.
 */
export function dataRemoval(deps: DataRemovalDeps) {
  async function image(image: ImageRecord, counts: RemovalCounts): Promise<void> {
    // Bytes first: a URL must stop answering before its record is forgotten.
    await deps.deleteImageFile(image);
    await deps.images.delete(image.id);
    counts.images++;
  }

  /** Conversations of one tenant, each with its images, messages, in-flight answers, lock, window, live logs and jobs. */
  async function conversations(tenantId: string, ids: string[], counts: RemovalCounts, check = stopWhenAborted()) {
    for (const id of ids) {
      check();
      for (const owned of await deps.images.forConversation(tenantId, id)) await image(owned, counts);
      counts.messages += await deps.messages.deleteForConversation(tenantId, id);
      // The instance streaming an answer loses its lease at its next renewal and stops the model call.
      await deps.messages.endStreamsForConversation(tenantId, id);
      await deps.liveEvents.deleteScope(conversationScope(id));
      await deps.locks.remove(id);
      if (await deps.conversations.delete(tenantId, id)) counts.conversations++;
      // An answer stored between the first pass and the conversation's removal (the send path drops later ones).
      counts.messages += await deps.messages.deleteForConversation(tenantId, id);
    }
    await deps.liveEvents.scrubConversations(tenantScope(tenantId), ids);
    await deps.jobs.deleteForConversations(tenantId, ids);
  }

  /** A visitor record (with the lead it holds); its conversations must be gone already. */
  async function visitorRecord(visitor: VisitorRecord, counts: RemovalCounts): Promise<void> {
    if (!(await deps.visitors.delete(visitor.tenantId, visitor.id))) return;
    counts.visitors++;
    if (visitor.lead) counts.leads++;
  }

  /** Everything about one visitor: conversations, uploads (attached or not), the visitor and their lead. */
  async function visitor(visitor: VisitorRecord, counts: RemovalCounts, check = stopWhenAborted()): Promise<void> {
    const { tenantId, id } = visitor;
    for (let ids = await deps.conversations.idsForVisitor(tenantId, id, REMOVAL_BATCH); ids.length; ) {
      await conversations(tenantId, ids, counts, check);
      ids = await deps.conversations.idsForVisitor(tenantId, id, REMOVAL_BATCH);
    }
    for (let batch = await deps.images.forVisitor(tenantId, id, REMOVAL_BATCH); batch.length; ) {
      check();
      for (const upload of batch) await image(upload, counts);
      batch = await deps.images.forVisitor(tenantId, id, REMOVAL_BATCH);
    }
    await visitorRecord(visitor, counts);
  }

  return { image, conversations, visitor, visitorRecord };
}
export type DataRemoval = ReturnType<typeof dataRemoval>;
