import { DEFAULT_KNOWLEDGE_LIMITS } from '../../contract/limits.js';
import type { ChatModel, ModelImage } from '../ai/ChatModel.js';
import { createOfflineModel } from '../ai/offlineModel.js';
import { agentProfileRepository } from '../data/agentProfileRepository.js';
import { conversationLockRepository } from '../data/conversationLockRepository.js';
import { conversationRepository } from '../data/conversationRepository.js';
import { dailyCountRepository } from '../data/dailyCountRepository.js';
import { imageRepository } from '../data/imageRepository.js';
import { jobRepository, type NewJob } from '../data/jobRepository.js';
import { knowledgeChunkRepository } from '../data/knowledgeChunkRepository.js';
import { knowledgeFileRepository } from '../data/knowledgeFileRepository.js';
import { knowledgeSourceRepository } from '../data/knowledgeSourceRepository.js';
import { knowledgeVersionRepository } from '../data/knowledgeVersionRepository.js';
import { liveEventRepository } from '../data/liveEventRepository.js';
import { messageRepository } from '../data/messageRepository.js';
import { removalRepository } from '../data/removalRepository.js';
import { siteRepository } from '../data/siteRepository.js';
import { unansweredRepository } from '../data/unansweredRepository.js';
import { usageRepository } from '../data/usageRepository.js';
import { visitorRepository } from '../data/visitorRepository.js';
import { webhookRepository } from '../data/webhookRepository.js';
import type { Models } from '../db/models/index.js';
import { type EventBus, inProcessBus } from '../events/eventBus.js';
import type { ImageStorage, StoredImage } from '../images/ImageStorage.js';
import type { Embedder } from '../knowledge/embeddings/Embedder.js';
import { type KnowledgeStore, retriever } from '../knowledge/retrieval/retriever.js';
import { storedKnowledge } from '../knowledge/retrieval/storedKnowledge.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { chatService } from './chatService.js';
import { databaseLock } from './conversationLock.js';
import { conversationService } from './conversationService.js';
import { conversationWindow } from './conversationWindow.js';
import { dataRemoval, noRemovals } from './dataRemoval.js';
import { erasures } from './erasures.js';
import { type ExportReads, exportConversations } from './exports/conversationExport.js';
import { agentDirectory } from './handoff/agents.js';
import { handoffService } from './handoff/handoffService.js';
import { LIVE_EVENT_SWEEP, liveLog } from './handoff/liveLog.js';
import { liveViews } from './handoff/liveViews.js';
import { type Mailer, REPLY_REMINDER, replyReminder } from './handoff/replyReminder.js';
import { imageService } from './imageService.js';
import { DEFAULT_LEASES, type LeaseSettings, newInstanceId } from './instance.js';
import { adminJobs } from './jobs/jobViews.js';
import type { JobHandler } from './jobs/jobWorker.js';
import type { EmbedRetry } from './knowledge/chunkVectors.js';
import { KNOWLEDGE_SYNC, type KnowledgeLimits, knowledgeIngestion } from './knowledge/ingestion.js';
import { knowledgeSources } from './knowledge/knowledgeSources.js';
import type { FetchSourcePages } from './knowledge/sourcePages.js';
import { knowledgeSearch } from './knowledgeSearch.js';
import { leadService } from './leads/leadService.js';
import { modelBudget } from './modelBudget.js';
import { RETENTION, RETENTION_EVERY_MS, retention } from './retention.js';
import { sessionService } from './sessionService.js';
import { SITE_DELETION, siteDeletion } from './siteDeletion.js';
import { siteService } from './siteService.js';
import { slotBackfill } from './slotBackfill.js';
import { statsService } from './statsService.js';
import { unansweredQuestions } from './unanswered/unansweredQuestions.js';
import { visitorTokens } from './visitorTokens.js';
import { DEFAULT_WEBHOOK_SETTINGS, deliverWebhook, type WebhookSettings } from './webhooks/deliverWebhook.js';
import { WEBHOOK_DELIVERY, webhookService } from './webhooks/webhookService.js';

export interface ServiceDeps {
  models: Models;
  model: ChatModel;
  visitorTokenSecret: string;
  storage: ImageStorage;
  /** Reads an image's bytes back from storage. */
  readImage: (stored: StoredImage) => Promise<Buffer>;
  /** Downsizes an image for the model. */
  toModelImage: (data: Buffer) => Promise<ModelImage>;
  /** Embeds passages and questions for hybrid retrieval (with a Gemini key); keyword retrieval alone without. */
  embedder?: Embedder | null;
  /** Where the sites' stored knowledge is read from: the chunks collection by default. */
  knowledgeStore?: KnowledgeStore;
  /** Answers when a site is over its daily model budget; the offline answerer by default. */
  offlineModel?: ChatModel;
  maxUploadBytes?: number;
  tenantQuotaBytes?: number;
  unattachedImagesPerSite?: { count: number; bytes: number };
  /** Events between instances (cache invalidation, handoff); in process by default. */
  bus?: EventBus;
  /** This instance among those sharing the database; a new one per process by default. */
  instanceId?: string;
  leases?: Partial<LeaseSettings>;
  /** Per-organization knowledge limits (config `KNOWLEDGE_MAX_*`). */
  knowledgeLimits?: Partial<KnowledgeLimits>;
  /** Web fetching for url, website and sitemap sources. */
  fetchPages?: FetchSourcePages;
  /** How a knowledge sync retries the embeddings API while it refuses (rate limits, outages). */
  knowledgeEmbedRetry?: EmbedRetry;
  log?: Logger;
  now?: () => Date;
  /** Sends the handoff reminder; none: no email. */
  mailer?: Mailer | null;
  /** How long a visitor waits for a person before the reminder (3 minutes by default). */
  handoffReminderMs?: number;
  /** The dashboard's public address, for links in emails. */
  dashboardUrl?: string;
  /** Webhook deliveries: private hosts (`ALLOW_PRIVATE_HOSTS`), timeout, retries, automatic disabling. */
  webhooks?: Partial<WebhookSettings>;
  /** How exports read (`EXPORT_READS` by default; tests make them small to see each read). */
  exportReads?: ExportReads;
}

const BACKFILL_LAST_DAY = 'conversations.backfillLastDay';
/** Once per database: `slot` for the conversations, messages and images stored before it existed. */
export const BACKFILL_SLOT = 'stats.backfillSlot';
const WEBHOOK_PRUNE = 'webhooks.prune';

/** The domain, wired from repositories over the given models (no HTTP, no listening). */
export function createServices(deps: ServiceDeps) {
  const repos = {
    sites: siteRepository(deps.models),
    visitors: visitorRepository(deps.models),
    conversations: conversationRepository(deps.models),
    messages: messageRepository(deps.models),
    images: imageRepository(deps.models),
    jobs: jobRepository(deps.models),
    usage: usageRepository(deps.models),
    liveEvents: liveEventRepository(deps.models),
    agentProfiles: agentProfileRepository(deps.models),
    knowledgeSources: knowledgeSourceRepository(deps.models),
    knowledgeChunks: knowledgeChunkRepository(deps.models),
    knowledgeVersions: knowledgeVersionRepository(deps.models),
    knowledgeFiles: knowledgeFileRepository(deps.models),
    dailyCounts: dailyCountRepository(deps.models),
    locks: conversationLockRepository(deps.models),
    removals: removalRepository(deps.models),
    webhooks: webhookRepository(deps.models),
    unanswered: unansweredRepository(deps.models),
  };
  const tokens = visitorTokens(deps.visitorTokenSecret, deps.now);
  const bus = deps.bus ?? inProcessBus();
  const sites = siteService(repos.sites, { bus });
  const sessions = sessionService({ sites, visitors: repos.visitors, tokens });
  const imageUrls = (image: Pick<StoredImage, 'storage' | 'key' | 'url'>) => deps.storage.urls(image);
  const instanceId = deps.instanceId ?? newInstanceId();
  const leases = { ...DEFAULT_LEASES, ...deps.leases };
  const now = deps.now ?? (() => new Date());
  // Each conversation's writes are ordered through a lease document in the database, for every instance at once.
  const lock = databaseLock({
    locks: repos.locks,
    instanceId,
    lockMs: leases.conversationLockMs,
    renewEveryMs: leases.renewEveryMs,
    now,
  });
  const window = conversationWindow({ ...repos, lock });
  const log = deps.log ?? createLogger('silent');
  const webhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.webhooks };
  const webhooks = webhookService({
    webhooks: repos.webhooks,
    jobs: repos.jobs,
    maxAttempts: webhookSettings.maxAttempts,
    log,
    now,
  });
  const images = imageService({
    images: repos.images,
    storage: deps.storage,
    conversations: repos.conversations,
    read: deps.readImage,
    toModelImage: deps.toModelImage,
    maxUploadBytes: deps.maxUploadBytes,
    tenantQuotaBytes: deps.tenantQuotaBytes,
    unattachedImagesPerSite: deps.unattachedImagesPerSite,
    now: deps.now,
  });
  const live = liveLog({ events: repos.liveEvents, bus, now });
  const removal = dataRemoval({ ...repos, deleteImageFile: images.deleteFile });
  const conversations = conversationService({
    ...repos,
    window,
    imageUrls,
    removeConversations: (tenantId, ids) => removal.conversations(tenantId, ids, noRemovals()),
    emit: webhooks.emit,
    now: deps.now,
  });
  const handoff = handoffService({
    ...repos,
    window,
    live,
    presence: repos.liveEvents,
    imageUrls,
    adminView: conversations.adminView,
    reminderDelayMs: deps.handoffReminderMs ?? 180_000,
    emit: webhooks.emit,
    now,
  });
  const leads = leadService({ ...repos, window, emit: webhooks.emit, now });
  const views = liveViews({ ...repos, handoff, adminView: conversations.adminView, imageUrls });
  const budget = modelBudget({ usage: repos.usage, offline: deps.offlineModel ?? createOfflineModel(), now: deps.now });
  const retrieval = retriever({ store: deps.knowledgeStore ?? storedKnowledge(repos), embedder: deps.embedder });
  const chat = chatService({
    ...repos,
    retriever: retrieval,
    window,
    budget,
    model: deps.model,
    imageUrls,
    loadModelImage: images.loadModelImage,
    instanceId,
    leases,
    handoff,
    emit: webhooks.emit,
    now: deps.now,
  });
  const stats = statsService({ ...repos, now: deps.now });
  const knowledgeRepos = {
    sources: repos.knowledgeSources,
    chunks: repos.knowledgeChunks,
    versions: repos.knowledgeVersions,
    files: repos.knowledgeFiles,
  };
  const knowledgeLimits = { ...DEFAULT_KNOWLEDGE_LIMITS, ...deps.knowledgeLimits };
  const knowledge = knowledgeSources({ ...knowledgeRepos, sites, jobs: repos.jobs, limits: knowledgeLimits, now: deps.now });
  const ingestion = knowledgeIngestion({
    ...knowledgeRepos,
    limits: knowledgeLimits,
    fetchPages: deps.fetchPages,
    embedder: deps.embedder,
    embedRetry: deps.knowledgeEmbedRetry,
    log,
    emit: webhooks.emit,
    now: deps.now,
  });
  const siteDeletions = siteDeletion({
    ...repos,
    now,
    sites,
    siteRecords: repos.sites,
    removal,
    deleteExtras: async (tenantId, siteId) => {
      await repos.usage.deleteForSite(tenantId, siteId);
      await knowledge.deleteForSite(tenantId, siteId);
      await repos.dailyCounts.deleteForSite(tenantId, siteId);
      await repos.removals.deleteForSite(tenantId, siteId);
    },
  });
  const siteErasures = erasures({ sites, visitors: repos.visitors, removal, records: repos.removals });
  const retentionRun = retention({ ...repos, siteRecords: repos.sites, removal, records: repos.removals, now: deps.now });
  // Background work, run by the job worker of whichever instance claims it (docs/jobs.md).
  const jobHandlers: Record<string, JobHandler> = {
    'images.sweepOrphans': async () => void (await images.sweepOrphans()),
    [BACKFILL_LAST_DAY]: async ({ signal }) => void (await repos.conversations.backfillLastDay(signal)),
    [BACKFILL_SLOT]: slotBackfill({ ...repos, now }),
    [SITE_DELETION]: siteDeletions.handler,
    [REPLY_REMINDER]: replyReminder({
      now,
      conversations: repos.conversations,
      sites: repos.sites,
      mailer: deps.mailer ?? null,
      dashboardUrl: deps.dashboardUrl ?? '/dashboard',
    }),
    [KNOWLEDGE_SYNC]: ingestion.handler,
    [LIVE_EVENT_SWEEP]: async () => void (await live.sweep()),
    [RETENTION]: retentionRun.handler,
    [WEBHOOK_DELIVERY]: deliverWebhook({ webhooks: repos.webhooks, settings: webhookSettings, log, now }),
    [WEBHOOK_PRUNE]: async () => {
      const at = now().getTime();
      await repos.jobs.pruneFinished(WEBHOOK_DELIVERY, new Date(at - 86_400_000));
      await repos.webhooks.pruneAttempts(new Date(at - 30 * 86_400_000));
    },
  };
  // Deliveries retry on their own schedule (about 12 hours); other jobs on the worker's.
  const jobRetry = {
    [WEBHOOK_DELIVERY]: { backoffMs: webhookSettings.backoffMs, maxBackoffMs: webhookSettings.maxBackoffMs },
  };
  const recurringJobs: NewJob[] = [
    { type: 'images.sweepOrphans', key: 'images.sweepOrphans', everyMs: 600_000 },
    { type: LIVE_EVENT_SWEEP, key: LIVE_EVENT_SWEEP, everyMs: 3600_000 },
    // Once per database (keyed, not recurring): conversations stored before `lastDay` get it.
    { type: BACKFILL_LAST_DAY, key: BACKFILL_LAST_DAY },
    { type: BACKFILL_SLOT, key: BACKFILL_SLOT },
    { type: RETENTION, key: RETENTION, everyMs: RETENTION_EVERY_MS },
    // Finished deliveries leave the queue after a day (their log stays 30 days).
    { type: WEBHOOK_PRUNE, key: WEBHOOK_PRUNE, everyMs: 3600_000 },
  ];
  const jobs = adminJobs(repos.jobs);
  return {
    instanceId,
    /** The time every service reads (the database's clock in a server, `createServer`). */
    now,
    leases,
    repos,
    tokens,
    sites,
    siteDeletions,
    erasures: siteErasures,
    knowledge,
    jobs,
    budget,
    sessions,
    conversations,
    chat,
    handoff,
    leads,
    agents: agentDirectory({ profiles: repos.agentProfiles, now }),
    live,
    liveViews: views,
    retrieval,
    knowledgeSearch: knowledgeSearch({ sites, retriever: retrieval }),
    unanswered: unansweredQuestions({ sites, unanswered: repos.unanswered, now }),
    stats,
    images,
    webhooks,
    exportConversations: (
      tenantId: string,
      query: Parameters<typeof exportConversations>[2],
      options?: Parameters<typeof exportConversations>[3],
    ) => exportConversations({ ...repos, imageUrls, now }, tenantId, query, { reads: deps.exportReads, ...options }),
    jobHandlers,
    jobRetry,
    recurringJobs,
  };
}
export type Services = ReturnType<typeof createServices>;
