import type {
  ConversationRecord,
  ConversationRepository,
  ConversationWithText,
  SendConversation,
  WindowWrite,
} from '../data/conversationRepository.js';
import { encodeCursor } from '../data/cursor.js';
import type { MessageRecord, MessageRepository } from '../data/messageRepository.js';
import { RECENT_CAPACITY } from '../db/models/conversation.js';
import { ownersEntry } from './conversationAccess.js';
import type { Companion, ConversationLock, Hold } from './conversationLock.js';

export { RECENT_CAPACITY, RECENT_PAGE } from '../db/models/conversation.js';

/** Stored order of a conversation's messages (the history query's, reversed): by time, then by id. */
const before = (a: MessageRecord, b: MessageRecord) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The window after `message` was inserted or changed in the messages collection: it replaces the message with the
 * same id (a retried answer moves to its new time, as in the collection), otherwise joins in stored order; the
 * window keeps the latest `RECENT_CAPACITY`.
 */
export function windowWith(window: MessageRecord[], message: MessageRecord): MessageRecord[] {
  const next = window.filter((m) => m.id !== message.id);
  next.push(message);
  return next.sort(before).slice(-RECENT_CAPACITY);
}

/**
 * `window` after `added` were inserted or changed in the messages collection, each as `windowWith` adds it; with
 * `appended` when they all join at its end in the order given (none of them in it already, each after the one before in
 * stored order), so that its write pushes them instead of rewriting the window. A retried answer (same id), a message
 * older than the window's last, are written whole.
 */
export function windowAfter(window: MessageRecord[], added: MessageRecord[]): WindowWrite {
  const messages = added.reduce(windowWith, window);
  const ids = new Set(window.map((m) => m.id));
  let last = window.at(-1);
  for (const message of added) {
    if (ids.has(message.id) || (last && before(last, message) >= 0)) return { messages };
    ids.add(message.id);
    last = message;
  }
  return { messages, appended: added };
}

/** The latest `limit` (≤ `RECENT_PAGE`) messages, oldest first, with the cursor the history query would return. */
export function pageFromWindow(window: MessageRecord[], limit: number): { items: MessageRecord[]; nextCursor: string | null } {
  const items = window.slice(-limit);
  const oldest = items[0];
  return { items, nextCursor: window.length > limit && oldest ? encodeCursor(oldest.createdAt, oldest.id) : null };
}

/** What reading a window needs of its conversation. */
export type WindowOwner = Pick<ConversationRecord, 'id' | 'tenantId' | 'siteId' | 'visitorId'>;

export interface ConversationWindowDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  /** Orders a conversation's window writes. */
  lock: ConversationLock;
}

/**
 * Each conversation's window of its latest messages (MongoDB's subset pattern), read by `_id` for the widget's first
 * history page, the admin detail and the model's context, and the per-conversation ordering of its writes.
 */
export function conversationWindow(deps: ConversationWindowDeps) {
  const { conversations, messages, lock } = deps;

  /**
   * Runs `task` alone for this conversation (on every instance). A task that fails, or a holder that died, leaves the
   * window possibly behind the messages collection: the window document is marked stale (every instance reads the
   * collection instead) until a later write of this conversation succeeds.
   */
  function serialized<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
    return lock.run(conversationId, async ({ abandoned }) => {
      if (abandoned) await conversations.markWindowStale(conversationId);
      try {
        return await task();
      } catch (error) {
        // Best effort: if the database is unreachable, the lock is left expired and the next holder marks it.
        await conversations.markWindowStale(conversationId).catch(() => {});
        throw error;
      }
    });
  }

  /**
   * Holds the conversation's writes for longer than one task (a new answer, from its start to its stored end), with
   * `companion` (its in-flight entry) inserted and removed together with the lock. The rules of `serialized` apply: a
   * lock taken over from a dead holder marks the window stale at once, and `fail` marks it stale (best effort).
   */
  async function hold(conversationId: string, companion?: Companion): Promise<Hold> {
    const held = await lock.hold(conversationId, companion);
    try {
      if (held.abandoned) await conversations.markWindowStale(conversationId);
    } catch (error) {
      await held.fail();
      throw error;
    }
    let released = false;
    return {
      abandoned: held.abandoned,
      async release(keepCompanion) {
        await held.release(keepCompanion);
        released = true;
      },
      async fail() {
        if (released) return;
        released = true;
        await conversations.markWindowStale(conversationId).catch(() => {});
        await held.fail();
      },
    };
  }

  /**
   * The stored window (one `_id` read), when it can be trusted to equal the latest messages of the collection, except
   * the questions still being answered (`withPending` adds those).
   */
  const read = async (conversation: WindowOwner) => conversations.recentMessages(conversation);

  /**
   * What the conversation shows: the window with the questions still being answered (a send's question joins the
   * window with its answer; meanwhile its in-flight entry carries it). One read of the small streams collection. An
   * entry of someone else's send to this conversation (refused once its window is read) is never shown.
   */
  async function withPending(conversation: WindowOwner, window: MessageRecord[]): Promise<MessageRecord[]> {
    const pending = await messages.streamingForConversation(conversation.tenantId, conversation.id);
    return pending.reduce(
      (shown, stream) => (stream.question && ownersEntry(stream, conversation) ? windowWith(shown, stream.question) : shown),
      window,
    );
  }

  /** The latest messages read from the collection (a scan on the embedded database): the window rebuilt. */
  const rebuild = async (conversation: Pick<ConversationRecord, 'id' | 'tenantId'>) =>
    (await messages.listForConversation(conversation.tenantId, conversation.id, RECENT_CAPACITY)).items;

  /**
   * The window after `added` were inserted or changed in the messages collection (`windowAfter`); call inside
   * `serialized`. Conversations from before windows, or whose last window write failed, get it rebuilt from the
   * collection (written whole).
   */
  async function after(conversation: WindowOwner, ...added: MessageRecord[]): Promise<WindowWrite> {
    const window = await read(conversation);
    return window ? windowAfter(window, added) : { messages: await rebuild(conversation) };
  }

  /** Writes the window; with `copy`, the conversation as written with it (`recordTurn`), which a send then reads. */
  const write = (conversationId: string, window: WindowWrite, copy?: ConversationWithText<SendConversation>) =>
    conversations.setRecentMessages(conversationId, window, copy);

  return {
    serialized,
    hold,
    read,
    /**
     * A send's read under its lock: the window and its copy of the conversation (one `_id` read), before the send knows
     * the conversation is the sender's; `owner` is the sender's tenant and site (see `sendWindow`).
     */
    readForSend: (conversationId: string, owner: Pick<ConversationRecord, 'tenantId' | 'siteId'>) =>
      conversations.sendWindow(conversationId, owner),
    withPending,
    /** The window to build on: the stored one when trusted, else rebuilt from the collection. */
    readOrRebuild: async (conversation: WindowOwner) => (await read(conversation)) ?? rebuild(conversation),
    rebuild,
    after,
    write,
  };
}
export type ConversationWindow = ReturnType<typeof conversationWindow>;
