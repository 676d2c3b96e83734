import type { z } from 'zod';
import type { ExportedConversation, ExportQuery } from '../../../contract/exports.js';
import type { ConversationRecord, ConversationRepository } from '../../data/conversationRepository.js';
import { oid } from '../../data/cursor.js';
import type { MessageRecord, MessageRepository } from '../../data/messageRepository.js';
import { abortable } from '../../lib/abortable.js';
import { adminConversationFilter } from '../conversationService.js';
import { type ImageUrlsOf, toAdminConversationView, toMessageView } from '../views.js';
import { inOrderAhead } from './inOrderAhead.js';

/** How an export reads (the sizes measured with `npm run bench:export`: docs/export-speed.md). */
export interface ExportReads {
  /**
   * Conversations per list read. The embedded database reads a whole day of conversations to find where a page
   * starts, so larger pages read each conversation fewer times; a page is a list of records, not their messages.
   */
  page: number;
  /** Conversations whose messages come in one query (an indexed `$in`, at most 200 ids for the embedded database). */
  chunk: number;
  /** Message queries in flight at once: the database reads some while this process formats another. */
  ahead: number;
}

export const EXPORT_READS: ExportReads = { page: 500, chunk: 50, ahead: 3 };

export interface ExportOptions {
  reads?: ExportReads;
  /** Aborts the export (the client went away): no read starts after it and none in flight is awaited. */
  signal?: AbortSignal;
}

/**
 * The tenant's conversations that match the list's filter, newest first, each with every message (citations and image
 * URLs included). Read from a keyset cursor a page at a time (the next page read while this one is exported), their
 * messages a chunk of conversations at a time with a few chunks in flight, yielded in order: memory holds at most two
 * pages of conversation records and `ahead` chunks of messages, whatever the export's size. A failed read ends the
 * iteration with its error (never a silently shorter export); so does `signal`, at once, with its reason.
 */
export async function* exportConversations(
  deps: { conversations: ConversationRepository; messages: MessageRepository; imageUrls: ImageUrlsOf; now: () => Date },
  tenantId: string,
  query: z.output<typeof ExportQuery>,
  { reads = EXPORT_READS, signal }: ExportOptions = {},
): AsyncGenerator<ExportedConversation> {
  const chunks = conversationChunks(deps.conversations, tenantId, query, reads, deps.now(), signal);
  const withMessages = inOrderAhead(
    chunks,
    reads.ahead,
    (conversations) =>
      deps.messages.listForConversations(
        tenantId,
        conversations.map((c) => c.id),
      ),
    signal,
  );
  for await (const [conversations, messages] of withMessages) {
    const byConversation = new Map<string, MessageRecord[]>();
    for (const message of messages) {
      const list = byConversation.get(message.conversationId);
      if (list) list.push(message);
      else byConversation.set(message.conversationId, [message]);
    }
    for (const conversation of conversations) {
      const { thumbnailUrl: _thumbnail, ...view } = toAdminConversationView(conversation, null);
      yield {
        ...view,
        messages: (byConversation.get(conversation.id) ?? []).map((m) => toMessageView(m, deps.imageUrls)),
      };
    }
  }
}

/** The matching conversations in the list's order, `reads.chunk` at a time; the next page is read while one is used. */
async function* conversationChunks(
  conversations: ConversationRepository,
  tenantId: string,
  query: z.output<typeof ExportQuery>,
  reads: ExportReads,
  // The first page's clock, kept for the whole export: conversations active after it started are not chased.
  startedAt: Date,
  signal: AbortSignal | undefined,
): AsyncGenerator<ConversationRecord[]> {
  const filter = adminConversationFilter(tenantId, query);
  type Page = Awaited<ReturnType<ConversationRepository['list']>>;
  const read = (after?: ConversationRecord): Promise<Page> =>
    conversations.list(filter, reads.page, after && { at: after.lastMessageAt, id: oid(after.id) }, startedAt);
  let next: Promise<Page> | null = read();
  while (next) {
    const page: Page = await abortable(next, signal);
    signal?.throwIfAborted();
    const last = page.items[page.items.length - 1];
    next = page.nextCursor && last ? read(last) : null;
    // Awaited at the next turn; until then a failure must not count as unhandled.
    next?.catch(() => {});
    for (let i = 0; i < page.items.length; i += reads.chunk) yield page.items.slice(i, i + reads.chunk);
  }
}
