import type { z } from 'zod';
import type { AdminConversation, AdminConversationDetail, ConversationListQuery } from '../../contract/admin.js';
import type { Page } from '../../contract/common.js';
import type { Message } from '../../contract/messages.js';
import type { Conversation, CreateConversation } from '../../contract/widget.js';
import type { ConversationFilter, ConversationRecord, ConversationRepository } from '../data/conversationRepository.js';
import { decodeCursor } from '../data/cursor.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';
import type { VisitorRepository } from '../data/visitorRepository.js';
import { AppError, notFound } from '../lib/AppError.js';
import { ownConversation, tenantConversation } from './conversationAccess.js';
import { type ConversationWindow, pageFromWindow, RECENT_PAGE } from './conversationWindow.js';
import { type ImageUrlsOf, toAdminConversationView, toConversationView, toMessageView } from './views.js';
import type { VisitorIdentity } from './visitorTokens.js';
import { type EmitWebhook, webhookData } from './webhooks/webhookEvents.js';

export interface ConversationServiceDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  visitors: VisitorRepository;
  window: ConversationWindow;
  imageUrls: ImageUrlsOf;
  now?: () => Date;
  /** Removes conversations with everything that hangs from them (`dataRemoval`). */
  removeConversations: (tenantId: string, ids: string[]) => Promise<unknown>;
  /** `conversation.created`, `feedback.given`. */
  emit?: EmitWebhook;
}

/** The dashboard's conversation filter as the repository reads it: one mapping for the list and the export. */
export function adminConversationFilter(
  tenantId: string,
  query: Omit<z.output<typeof ConversationListQuery>, 'limit' | 'cursor'>,
): ConversationFilter {
  return {
    tenantId,
    siteId: query.siteId,
    search: query.q,
    from: query.from,
    to: query.to,
    hasImages: query.hasImages,
    rating: query.rating,
    mode: query.mode,
    hasLead: query.hasLead,
  };
}

export function conversationService(deps: ConversationServiceDeps) {
  const { conversations, messages, images, visitors, window, imageUrls } = deps;
  const now = deps.now ?? (() => new Date());

  const thumbnailFor = async (c: ConversationRecord) => {
    if (!c.thumbnailImageId) return null;
    const image = await images.findById(c.thumbnailImageId);
    return image && image.tenantId === c.tenantId ? imageUrls(image).thumbnailUrl : null;
  };

  return {
    async createForVisitor(
      visitor: VisitorIdentity,
      input: CreateConversation,
      client: { userAgent: string | null; locale: string | null },
    ): Promise<Conversation> {
      const profile = visitor.userId ? await visitors.findById(visitor.visitorId) : null;
      const conversation = await conversations.create({
        tenantId: visitor.tenantId,
        siteId: visitor.siteId,
        visitorId: visitor.visitorId,
        title: input.title ?? '',
        pageUrl: input.pageUrl ?? null,
        userAgent: client.userAgent?.slice(0, 400) ?? null,
        locale: client.locale?.slice(0, 35) ?? null,
        user: profile?.userId ? { id: profile.userId, name: profile.name, email: profile.email } : null,
        now: now(),
      });
      // Read after the insert: a lead left meanwhile was either copied onto this conversation already or is seen here.
      const lead = (await visitors.findById(visitor.visitorId))?.lead;
      if (lead) await conversations.setLead(conversation.id, lead);
      await deps.emit?.(conversation.tenantId, 'conversation.created', () => webhookData.conversationCreated(conversation));
      return toConversationView(conversation);
    },

    async listForVisitor(visitor: VisitorIdentity, query: { limit: number; cursor?: string }): Promise<Page<Conversation>> {
      const page = await conversations.list(
        { tenantId: visitor.tenantId, visitorId: visitor.visitorId },
        query.limit,
        decodeCursor(query.cursor),
      );
      return { items: page.items.map(toConversationView), nextCursor: page.nextCursor };
    },

    async messagesForVisitor(
      visitor: VisitorIdentity,
      conversationId: string,
      query: { limit: number; cursor?: string },
    ): Promise<Page<Message>> {
      const conversation = await ownConversation(conversations, visitor, conversationId);
      // The first page (every widget open) comes from the window, read by `_id`; older pages query the messages.
      const stored = !query.cursor && query.limit <= RECENT_PAGE ? await window.read(conversation) : null;
      const recent = stored && (await window.withPending(conversation, stored));
      const page = recent
        ? pageFromWindow(recent, query.limit)
        : await messages.listForConversation(visitor.tenantId, conversationId, query.limit, decodeCursor(query.cursor));
      return { items: page.items.map((m) => toMessageView(m, imageUrls)), nextCursor: page.nextCursor };
    },

    async feedback(visitor: VisitorIdentity, messageId: string, rating: 'up' | 'down' | null): Promise<Message> {
      const message = await messages.findById(messageId);
      if (!message || message.tenantId !== visitor.tenantId) throw notFound('Message');
      const conversation = await ownConversation(conversations, visitor, message.conversationId);
      if (message.role !== 'assistant') throw new AppError(409, 'not_an_answer', 'Only answers can be rated');
      const at = now();
      await window.serialized(message.conversationId, async () => {
        await messages.setFeedback(message, rating, at);
        const totals = await messages.countRatings(visitor.tenantId, message.conversationId);
        await conversations.setRatings(message.conversationId, totals.up, totals.down);
        // The answer as stored now (a retry may have replaced it since it was read above).
        const stored = await messages.findById(message.id);
        if (stored) await window.write(conversation.id, await window.after(conversation, stored));
      });
      await deps.emit?.(message.tenantId, 'feedback.given', () => webhookData.feedbackGiven(message, rating));
      return toMessageView({ ...message, feedback: rating, updatedAt: at }, imageUrls);
    },

    /** The admin view of a conversation already read (with its thumbnail). */
    adminView: async (c: ConversationRecord) => toAdminConversationView(c, await thumbnailFor(c)),

    async listForAdmin(tenantId: string, query: z.output<typeof ConversationListQuery>): Promise<Page<AdminConversation>> {
      const page = await conversations.list(
        adminConversationFilter(tenantId, query),
        query.limit,
        decodeCursor(query.cursor),
        now(),
      );
      const items = await Promise.all(page.items.map(async (c) => toAdminConversationView(c, await thumbnailFor(c))));
      return { items, nextCursor: page.nextCursor };
    },

    /** The conversation with its latest page of messages, from the window (one `_id` read) when it has them. */
    async getForAdmin(tenantId: string, id: string): Promise<AdminConversationDetail> {
      const conversation = await tenantConversation(conversations, tenantId, id);
      const stored = await window.read(conversation);
      const recent = stored && (await window.withPending(conversation, stored));
      const [thumbnail, page] = await Promise.all([
        thumbnailFor(conversation),
        recent ? pageFromWindow(recent, RECENT_PAGE) : messages.listForConversation(tenantId, id, RECENT_PAGE),
      ]);
      return {
        ...toAdminConversationView(conversation, thumbnail),
        messages: page.items.map((m) => toMessageView(m, imageUrls)),
        messagesCursor: page.nextCursor,
      };
    },

    /** Older pages of a conversation's messages (the admin's "load earlier"). */
    async messagesForAdmin(tenantId: string, id: string, query: { limit: number; cursor?: string }): Promise<Page<Message>> {
      await tenantConversation(conversations, tenantId, id);
      const page = await messages.listForConversation(tenantId, id, query.limit, decodeCursor(query.cursor));
      return { items: page.items.map((m) => toMessageView(m, imageUrls)), nextCursor: page.nextCursor };
    },

    /** Deletes a conversation with its messages and images (files first, then records). */
    async deleteForAdmin(tenantId: string, id: string): Promise<void> {
      await tenantConversation(conversations, tenantId, id);
      await deps.removeConversations(tenantId, [id]);
    },
  };
}
export type ConversationService = ReturnType<typeof conversationService>;
