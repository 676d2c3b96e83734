import type { z } from 'zod';
import type { ExportedConversation, ExportQuery } from '../../../contract/exports.js';
import type { ConversationRepository } from '../../data/conversationRepository.js';
import type { CursorPosition } from '../../data/cursor.js';
import { oid } from '../../data/cursor.js';
import type { MessageRepository } from '../../data/messageRepository.js';
import { adminConversationFilter } from '../conversationService.js';
import { type ImageUrlsOf, toAdminConversationView, toMessageView } from '../views.js';

/** Conversations read per batch: their messages come in one query, so memory holds one batch at a time. */
const BATCH = 50;

/**
 * The tenant's conversations that match the list's filter, newest first, each with every message (citations and image
 * URLs included). Read a batch at a time from a keyset cursor, so an export of any size holds one batch in memory.
 */
export async function* exportConversations(
  deps: { conversations: ConversationRepository; messages: MessageRepository; imageUrls: ImageUrlsOf; now: () => Date },
  tenantId: string,
  query: z.output<typeof ExportQuery>,
): AsyncGenerator<ExportedConversation> {
  const filter = adminConversationFilter(tenantId, query);
  // The first page's clock, kept for the whole export: conversations active after it started are not chased.
  const startedAt = deps.now();
  let after: CursorPosition | undefined;
  for (;;) {
    const page = await deps.conversations.list(filter, BATCH, after, startedAt);
    const messages = await deps.messages.listForConversations(
      tenantId,
      page.items.map((c) => c.id),
    );
    const byConversation = new Map<string, typeof messages>();
    for (const message of messages) {
      const list = byConversation.get(message.conversationId) ?? [];
      list.push(message);
      byConversation.set(message.conversationId, list);
    }
    for (const conversation of page.items) {
      const { thumbnailUrl: _thumbnail, ...view } = toAdminConversationView(conversation, null);
      yield {
        ...view,
        messages: (byConversation.get(conversation.id) ?? []).map((m) => toMessageView(m, deps.imageUrls)),
      };
    }
    const last = page.items[page.items.length - 1];
    if (!page.nextCursor || !last) return;
    after = { at: last.lastMessageAt, id: oid(last.id) };
  }
}
