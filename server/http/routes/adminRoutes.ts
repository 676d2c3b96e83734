import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { ConversationListQuery, ImageListQuery, MeUpdate, StatsQuery } from '../../../contract/admin.js';
import { IdParams, SiteIdParams } from '../../../contract/common.js';
import { AgentReply } from '../../../contract/handoff.js';
import { KnowledgeSearch } from '../../../contract/knowledgeSearch.js';
import { type IdentitySecret, type Site, SiteCreate, SiteUpdate } from '../../../contract/sites.js';
import { ListQuery } from '../../../contract/widget.js';
import type { ConversationService } from '../../domain/conversationService.js';
import type { AgentDirectory } from '../../domain/handoff/agents.js';
import type { HandoffService } from '../../domain/handoff/handoffService.js';
import { type LiveLog, tenantScope } from '../../domain/handoff/liveLog.js';
import type { LiveViews } from '../../domain/handoff/liveViews.js';
import type { ImageService } from '../../domain/imageService.js';
import type { AdminJobs } from '../../domain/jobs/jobViews.js';
import { toJobView } from '../../domain/jobs/jobViews.js';
import type { KnowledgeSources } from '../../domain/knowledge/knowledgeSources.js';
import type { KnowledgeSearchService } from '../../domain/knowledgeSearch.js';
import type { ModelBudget } from '../../domain/modelBudget.js';
import type { SiteDeletion } from '../../domain/siteDeletion.js';
import { type SiteService, toSiteAnswer, toSiteView } from '../../domain/siteService.js';
import type { StatsService } from '../../domain/statsService.js';
import type { UnansweredQuestions } from '../../domain/unanswered/unansweredQuestions.js';
import type { WebhookService } from '../../domain/webhooks/webhookService.js';
import type { Logger } from '../../lib/logger.js';
import { LIVE_HEARTBEAT_MS, serveLiveStream } from '../liveStream.js';
import { type AdminAuth, adminOf, requireAdmin, requireAdminRole } from '../middleware/adminAuth.js';
import type { Limiters } from '../middleware/rateLimits.js';
import { parse } from '../validate.js';
import { type DataRouteDeps, dataRoutes } from './dataRoutes.js';
import { exportRoutes } from './exportRoutes.js';
import { knowledgeRoutes } from './knowledgeRoutes.js';
import { unansweredRoutes } from './unansweredRoutes.js';
import { webhookRoutes } from './webhookRoutes.js';

export interface AdminRouteDeps extends DataRouteDeps {
  auth: AdminAuth;
  limits: Limiters;
  clerkPublishableKey: string | null;
  sites: SiteService;
  conversations: ConversationService;
  stats: StatsService;
  images: ImageService;
  siteDeletions: SiteDeletion;
  budget: ModelBudget;
  jobs: AdminJobs;
  log: Logger;
  handoff: HandoffService;
  agents: AgentDirectory;
  live: LiveLog;
  liveViews: LiveViews;
  knowledge: KnowledgeSources;
  knowledgeSearch: KnowledgeSearchService;
  unanswered: UnansweredQuestions;
  webhooks: WebhookService;
  exportConversations: Parameters<typeof exportRoutes>[0]['exportConversations'];
}

export function adminRoutes(deps: AdminRouteDeps): Router {
  const router = express.Router();
  const tenant = (res: Response) => adminOf(res).tenantId;

  router.get('/auth/config', (_req, res) => {
    res.json({ mode: deps.auth.mode, clerkPublishableKey: deps.clerkPublishableKey });
  });

  // Failed sign-ins count per address before the token is checked; every write counts per admin.
  router.use(deps.limits.failedAdminAuth, ...deps.auth.middleware, requireAdmin(deps.auth), deps.limits.adminWrites);
  // Admin data is private: never cached by browsers or proxies.
  router.use((_req: Request, res: Response, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/me', async (_req, res) => {
    res.json(await deps.agents.me(adminOf(res)));
  });
  // Any member names themselves (the name visitors see on their replies).
  router.patch('/me', async (req, res) => {
    const { displayName } = parse(MeUpdate, req.body, 'body');
    res.json(await deps.agents.setDisplayName(adminOf(res), displayName));
  });

  router.get('/sites', async (_req, res) => {
    const items: Site[] = (await deps.sites.list(tenant(res))).map(toSiteView);
    res.json({ items, nextCursor: null });
  });
  router.post('/sites', requireAdminRole, async (req, res) => {
    const body = parse(SiteCreate, req.body, 'body');
    res.status(201).json(toSiteAnswer(await deps.sites.create(tenant(res), body), true));
  });
  router.get('/sites/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(toSiteView(await deps.sites.get(tenant(res), id)));
  });
  router.patch('/sites/:id', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(SiteUpdate, req.body, 'body');
    const { site, secretMade } = await deps.sites.update(tenant(res), id, body);
    res.json(toSiteAnswer(site, secretMade));
  });
  // A POST, not a GET: showing the secret is an admin's deliberate act, never a read a member can make.
  router.post('/sites/:id/identity-secret', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const answer: IdentitySecret = { identitySecret: await deps.sites.identitySecret(tenant(res), id) };
    res.json(answer);
  });
  router.get('/sites/:id/usage', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await deps.budget.today(await deps.sites.get(tenant(res), id)));
  });
  router.delete('/sites/:id', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    // The site is gone at once; its data is deleted in the background, followed at GET /jobs/:id.
    res.status(202).json(toJobView(await deps.siteDeletions.start(tenant(res), id)));
  });

  // A POST for the question's sake (long, and kept out of logs and URLs); it changes nothing, so members may ask too.
  router.post('/sites/:siteId/knowledge/search', async (req, res) => {
    const { siteId } = parse(SiteIdParams, req.params, 'params');
    const { q } = parse(KnowledgeSearch, req.body, 'body');
    res.json(await deps.knowledgeSearch(tenant(res), siteId, q));
  });

  router.get('/conversations', async (req, res) => {
    const query = parse(ConversationListQuery, req.query, 'query');
    res.json(await deps.conversations.listForAdmin(tenant(res), query));
  });
  router.get('/conversations/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await deps.conversations.getForAdmin(tenant(res), id));
  });
  router.get('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const query = parse(ListQuery, req.query, 'query');
    res.json(await deps.conversations.messagesForAdmin(tenant(res), id, query));
  });
  router.delete('/conversations/:id', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await deps.conversations.deleteForAdmin(tenant(res), id);
    res.status(204).end();
  });

  // Handoff: members may take over and reply (settings stay admin-only).
  const agent = (res: Response) => deps.agents.agentOf(adminOf(res));
  router.post('/conversations/:id/takeover', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await deps.handoff.takeover(tenant(res), id, await agent(res)));
  });
  router.post('/conversations/:id/release', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await deps.handoff.release(tenant(res), id));
  });
  router.post('/conversations/:id/close', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await deps.handoff.close(tenant(res), id));
  });
  router.post('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { text } = parse(AgentReply, req.body, 'body');
    res.status(201).json(await deps.handoff.reply(tenant(res), id, await agent(res), text));
  });

  // The tenant's live inbox; while it is open, its agent counts as online. It ends when the session token expires
  // (the dashboard reconnects with a fresh one and resumes with Last-Event-ID).
  router.get('/events', async (req, res) => {
    const { tenantId, expiresAt } = adminOf(res);
    const presenceId = `${tenantId}:${randomBytes(9).toString('base64url')}`;
    // Present for three heartbeats from each beat (a lease on the database's clock, like every other).
    const lease = 3 * LIVE_HEARTBEAT_MS;
    await deps.handoff.agentPresent(presenceId, tenantId, lease);
    await serveLiveStream(req, res, {
      live: deps.live,
      log: deps.log,
      scope: tenantScope(tenantId),
      render: (event) => deps.liveViews.forInbox(tenantId, event),
      endAt: expiresAt ?? undefined,
      onBeat: () => deps.handoff.agentPresent(presenceId, tenantId, lease),
      // Ended by its token's expiry, the agent is back within a second: the lease covers it, so waiting visitors
      // are not told "nobody online" at every token refresh (Clerk's last a minute).
      onClose: (expired) => {
        if (!expired)
          deps.handoff
            .agentAbsent(presenceId, tenantId)
            .catch((error: unknown) => deps.log.warn({ err: error }, 'Agent presence not removed'));
      },
    });
  });

  router.get('/images', async (req, res) => {
    const query = parse(ImageListQuery, req.query, 'query');
    res.json(await deps.images.listForAdmin(tenant(res), query));
  });

  router.get('/jobs/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await deps.jobs.get(tenant(res), id));
  });

  router.get('/stats', async (req, res) => {
    const query = parse(StatsQuery, req.query, 'query');
    res.json(await deps.stats.get(tenant(res), query));
  });

  router.use(knowledgeRoutes(deps.knowledge));
  router.use(unansweredRoutes(deps.unanswered));
  router.use(dataRoutes(deps));
  router.use(webhookRoutes(deps.webhooks));
  router.use(exportRoutes({ exportConversations: deps.exportConversations, log: deps.log }));

  return router;
}
