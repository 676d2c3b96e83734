import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { IdParams } from '../../../contract/common.js';
import { HandoffRequest } from '../../../contract/handoff.js';
import { LeadRequest } from '../../../contract/leads.js';
import { Feedback, ImageUploadFields, SendMessage } from '../../../contract/messages.js';
import { CreateConversation, ListQuery, SessionRequest } from '../../../contract/widget.js';
import type { ChatService } from '../../domain/chatService.js';
import { ownConversation } from '../../domain/conversationAccess.js';
import type { ConversationService } from '../../domain/conversationService.js';
import type { HandoffService } from '../../domain/handoff/handoffService.js';
import { conversationScope, type LiveLog } from '../../domain/handoff/liveLog.js';
import type { LiveViews } from '../../domain/handoff/liveViews.js';
import type { ImageService } from '../../domain/imageService.js';
import type { LeadService } from '../../domain/leads/leadService.js';
import type { SessionService } from '../../domain/sessionService.js';
import type { SiteService } from '../../domain/siteService.js';
import type { VisitorTokens } from '../../domain/visitorTokens.js';
import { readUpload } from '../../images/readUpload.js';
import type { Logger } from '../../lib/logger.js';
import { streamChat } from '../chatStream.js';
import { serveLiveStream } from '../liveStream.js';
import type { Limiters } from '../middleware/rateLimits.js';
import { requireVisitor, visitorClaimsOf, visitorOf } from '../middleware/visitorAuth.js';
import { acceptsMultipart } from '../mountedRoutes.js';
import { parse } from '../validate.js';

export interface WidgetRouteDeps {
  log: Logger;
  localMode: boolean;
  /** The server's public origin (dashboard preview). */
  selfOrigin?: string;
  sessions: SessionService;
  conversations: ConversationService;
  chat: ChatService;
  tokens: VisitorTokens;
  limits: Limiters;
  images: ImageService;
  handoff: HandoffService;
  leads: LeadService;
  live: LiveLog;
  liveViews: LiveViews;
  /** Reads a conversation by id (the stream checks it is the visitor's). */
  conversationById: Parameters<typeof ownConversation>[0];
}

/**
 * CORS for the widget: any page may call (no cookies are used, only bearer tokens), and who may
 * use a site is enforced by the origin checks on the session and on every token request.
 */
function widgetCors(req: Request, res: Response, next: NextFunction) {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, RateLimit, RateLimit-Policy');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
}

export function widgetRoutes(deps: WidgetRouteDeps): Router {
  const router = express.Router();
  const { limits } = deps;
  router.use(widgetCors);

  router.post('/sessions', limits.sessionsPerIp, async (req, res) => {
    const body = parse(SessionRequest, req.body, 'body');
    res.json(
      await deps.sessions.start(body, { origin: req.headers.origin, localMode: deps.localMode, selfOrigin: deps.selfOrigin }),
    );
  });

  // Everything else: a visitor token, used from an origin the site allows, its identity still verified.
  // The site is read here once per request.
  router.use(requireVisitor(deps.tokens), async (req, res, next) => {
    res.locals.site = await deps.sessions.admit(visitorClaimsOf(res), {
      origin: req.headers.origin,
      localMode: deps.localMode,
      selfOrigin: deps.selfOrigin,
    });
    next();
  });
  const siteOf = (res: Response) => res.locals.site as NonNullable<Awaited<ReturnType<SiteService['byId']>>>;

  router.get('/conversations', async (req, res) => {
    const query = parse(ListQuery, req.query, 'query');
    res.json(await deps.conversations.listForVisitor(visitorOf(res), query));
  });

  router.post('/conversations', limits.conversationsPerVisitor, limits.conversationsPerIp, async (req, res) => {
    const body = parse(CreateConversation, req.body ?? {}, 'body');
    // The first language range, without its weight; `*` says nothing.
    const first = req.headers['accept-language']?.split(',')[0]?.split(';')[0]?.trim();
    const locale = first && first !== '*' ? first : null;
    const conversation = await deps.conversations.createForVisitor(visitorOf(res), body, {
      userAgent: req.headers['user-agent'] ?? null,
      locale,
    });
    res.status(201).json(conversation);
  });

  router.get('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const query = parse(ListQuery, req.query, 'query');
    res.json(await deps.conversations.messagesForVisitor(visitorOf(res), id, query));
  });

  router.post('/conversations/:id/messages', limits.sendsPerIp, limits.sendsPerVisitor, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(SendMessage, req.body, 'body');
    await streamChat(res, deps.log, (signal) => deps.chat.send(visitorOf(res), siteOf(res), id, body, signal));
  });

  router.post('/conversations/:id/handoff', limits.handoffsPerVisitor, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { email } = parse(HandoffRequest, req.body ?? {}, 'body');
    res.json(await deps.handoff.request(visitorOf(res), id, email));
  });

  // Agent replies, modes and the visitor's own messages from other tabs, live; resumable with Last-Event-ID.
  router.get('/conversations/:id/events', limits.eventStreamsPerVisitor, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const conversation = await ownConversation(deps.conversationById, visitorOf(res), id);
    await serveLiveStream(req, res, {
      live: deps.live,
      log: deps.log,
      scope: conversationScope(id),
      render: (event) => deps.liveViews.forVisitor(conversation, event),
      initial: () => deps.liveViews.modeNow(conversation),
      endAt: visitorClaimsOf(res).expiresAt,
    });
  });

  router.post('/messages/:id/retry', limits.sendsPerIp, limits.sendsPerVisitor, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await streamChat(res, deps.log, (signal) => deps.chat.retry(visitorOf(res), siteOf(res), id, signal));
  });

  router.post('/messages/:id/feedback', limits.feedbackPerVisitor, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { rating } = parse(Feedback, req.body, 'body');
    res.json(await deps.conversations.feedback(visitorOf(res), id, rating));
  });

  router.post('/leads', limits.leadsPerVisitor, async (req, res) => {
    const body = parse(LeadRequest, req.body, 'body');
    res.json(await deps.leads.capture(visitorOf(res), siteOf(res), body));
  });

  router.post(
    '/images',
    acceptsMultipart,
    limits.uploadsPerVisitor,
    limits.uploadsPerIp,
    limits.uploadsPerSite,
    async (req, res) => {
      const upload = await readUpload(req, { maxBytes: deps.images.maxUploadBytes });
      const fields = parse(ImageUploadFields, upload.fields, 'body');
      res.status(201).json(await deps.images.upload(visitorOf(res), upload, fields));
    },
  );

  return router;
}
