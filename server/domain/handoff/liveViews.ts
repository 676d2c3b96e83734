import type { AdminConversation } from '../../../contract/admin.js';
import type { ConversationEvents, InboxEvents } from '../../../contract/handoff.js';
import type { ConversationRecord, ConversationRepository } from '../../data/conversationRepository.js';
import type { LiveEventRecord } from '../../data/liveEventRepository.js';
import type { MessageRepository } from '../../data/messageRepository.js';
import { type ImageUrlsOf, toMessageView } from '../views.js';
import type { HandoffService } from './handoffService.js';

export type Outgoing<E> = { [K in keyof E]: { event: K; data: E[K] } }[keyof E];

/**
 * What a stored live event becomes on the wire, read from the database when it is sent (so a resumed stream shows the
 * state as it is, and the log stores only ids). `null`: nothing to send (the message or conversation is gone, or is
 * not this stream's).
 */
export function liveViews(deps: {
  conversations: ConversationRepository;
  messages: MessageRepository;
  handoff: Pick<HandoffService, 'modeEvent'>;
  adminView: (c: ConversationRecord) => Promise<AdminConversation>;
  imageUrls: ImageUrlsOf;
}) {
  const { conversations, messages, imageUrls } = deps;
  const message = async (tenantId: string, conversationId: string, id: unknown) => {
    const m = typeof id === 'string' ? await messages.findById(id) : null;
    return m && m.tenantId === tenantId && m.conversationId === conversationId ? toMessageView(m, imageUrls) : null;
  };
  const conversation = async (tenantId: string, id: unknown) => {
    const c = typeof id === 'string' ? await conversations.findById(id) : null;
    return c && c.tenantId === tenantId ? c : null;
  };

  return {
    /** For the visitor's stream of one conversation (already checked to be theirs). */
    async forVisitor(c: ConversationRecord, event: LiveEventRecord): Promise<Outgoing<ConversationEvents> | null> {
      if (event.type === 'message') {
        const data = await message(c.tenantId, c.id, event.data.messageId);
        return data && { event: 'message', data };
      }
      if (event.type === 'mode') {
        const fresh = await conversation(c.tenantId, c.id);
        return fresh && { event: 'mode', data: await deps.handoff.modeEvent(fresh) };
      }
      return null;
    },
    /** The current mode, first on a stream opened without `Last-Event-ID`. */
    async modeNow(c: ConversationRecord): Promise<Outgoing<ConversationEvents>> {
      return { event: 'mode', data: await deps.handoff.modeEvent(c) };
    },
    /** For a tenant's inbox stream. */
    async forInbox(tenantId: string, event: LiveEventRecord): Promise<Outgoing<InboxEvents> | null> {
      const conversationId = event.data.conversationId;
      if (typeof conversationId !== 'string') return null;
      if (event.type === 'message') {
        const data = await message(tenantId, conversationId, event.data.messageId);
        return data && { event: 'message', data: { conversationId, message: data } };
      }
      if (event.type === 'conversation') {
        const c = await conversation(tenantId, conversationId);
        return c && { event: 'conversation', data: await deps.adminView(c) };
      }
      return null;
    },
  };
}
export type LiveViews = ReturnType<typeof liveViews>;
