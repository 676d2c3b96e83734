import type { SourceError } from '../../../contract/knowledge.js';
import type { WebhookEventType } from '../../../contract/webhooks.js';
import type { ConversationRecord } from '../../data/conversationRepository.js';
import type { SourceRecord } from '../../data/knowledgeSourceRepository.js';
import type { MessageRecord } from '../../data/messageRepository.js';
import type { LeadRecord, VisitorRecord } from '../../data/visitorRepository.js';
import { type ImageUrlsOf, toConversationView, toLeadView, toMessageView } from '../views.js';

/**
 * Queues a webhook event for the tenant's subscribed endpoints (`webhookService.emit`): one read and at most one insert,
 * never a call to a receiver; it never throws. `data` may be a function, called only when someone subscribes.
 */
export type EmitWebhook = (
  tenantId: string,
  type: WebhookEventType,
  data: Record<string, unknown> | (() => Record<string, unknown>),
) => Promise<void>;

/** The `data` of each event, in one place (README "Webhooks" documents them). */
export const webhookData = {
  conversationCreated: (c: ConversationRecord) => ({
    conversation: { ...toConversationView(c), visitorId: c.visitorId, pageUrl: c.pageUrl, user: c.user },
  }),
  messageCreated: (m: MessageRecord, imageUrls: ImageUrlsOf) => ({
    siteId: m.siteId,
    conversationId: m.conversationId,
    message: toMessageView(m, imageUrls),
  }),
  feedbackGiven: (m: MessageRecord, rating: 'up' | 'down' | null) => ({
    siteId: m.siteId,
    conversationId: m.conversationId,
    messageId: m.id,
    rating,
  }),
  handoffRequested: (c: ConversationRecord) => ({
    siteId: c.siteId,
    conversationId: c.id,
    visitorId: c.visitorId,
    email: c.email ?? c.user?.email ?? null,
    waitingSince: c.waitingSince?.toISOString() ?? null,
  }),
  leadCaptured: (visitor: VisitorRecord, lead: LeadRecord, conversationId: string | null) => ({
    siteId: visitor.siteId,
    visitorId: visitor.id,
    conversationId,
    userId: visitor.userId,
    lead: toLeadView(lead),
  }),
  sourceFailed: (source: SourceRecord, error: SourceError) => ({
    siteId: source.siteId,
    sourceId: source.id,
    type: source.type,
    title: source.title,
    url: source.url ?? null,
    error,
  }),
};
