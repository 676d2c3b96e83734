import { effect, signal } from '@preact/signals';
import type { ConversationMode, Message, Rating } from '../../../contract/index.js';
import { ApiError } from '../api/ApiError.js';
import { createConversation } from '../api/createConversation.js';
import { listConversations } from '../api/listConversations.js';
import { listMessages } from '../api/listMessages.js';
import { sendFeedback } from '../api/sendFeedback.js';
import type { QueryStore } from './createQueryStore.js';
import type { SessionState } from './createSessionState.js';

const messagesKey = (id: string) => ['messages', id];

/**
 * The open conversation and its stored messages, which live in the query cache (`history` mirrors that entry).
 * Stored messages enter it from a fetch, from a settled turn (`store`) or from feedback.
 */
export function createHistory(client: QueryStore, session: SessionState, pageUrl: string | undefined) {
  const conversationId = signal<string | null>(null);
  const history = signal<Message[]>([]);
  const { ctx, authed, save } = session;

  effect(() => {
    const id = conversationId.value;
    if (!id) {
      history.value = [];
      return;
    }
    // Any change in the cache: an unchanged entry gives the same array, which notifies no one.
    const sync = () => {
      history.value = client.getQueryData<Message[]>(messagesKey(id)) ?? [];
    };
    sync();
    return client.cache.subscribe(sync);
  });

  const fetchMessages = (id: string) =>
    authed(() =>
      client.fetchQuery({ queryKey: messagesKey(id), queryFn: async () => (await listMessages(ctx, id)).items, staleTime: 0 }),
    );

  /**
   * Opens the conversation this visitor had (the stored one, else their latest) with its messages; null if none. The
   * latest comes with its mode (the stored one's is remembered with it).
   */
  async function resume(): Promise<{ id: string | null; mode?: ConversationMode }> {
    let mode: ConversationMode | undefined;
    let id = session.saved().conversationId ?? null;
    if (id) {
      await fetchMessages(id).catch((error) => {
        // The stored conversation is gone or belongs to someone else: fall back to the visitor's latest.
        if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 403)) throw error;
        id = null;
      });
    }
    if (!id) {
      const latest = (await authed(() => listConversations(ctx, 1))).items[0];
      id = latest?.id ?? null;
      mode = latest?.mode;
      if (id) await fetchMessages(id);
    }
    conversationId.value = id;
    save({ conversationId: id });
    return { id, mode };
  }

  async function ensure(): Promise<string> {
    if (conversationId.value) return conversationId.value;
    const conversation = await authed(() => createConversation(ctx, pageUrl ? { pageUrl } : {}));
    client.setQueryData(messagesKey(conversation.id), []);
    conversationId.value = conversation.id;
    save({ conversationId: conversation.id, rev: Date.now() });
    return conversation.id;
  }

  /** Writes settled messages into the cache in order: one that replaces another (by id) takes its place. */
  function store(settled: { message: Message; replaces?: string | undefined }[]): void {
    const id = conversationId.value;
    if (!id || !settled.length) return;
    client.setQueryData<Message[]>(messagesKey(id), (old = []) => {
      const next = [...old];
      for (const { message, replaces } of settled) {
        const at = next.findIndex((m) => m.id === (replaces ?? message.id));
        if (at >= 0) next[at] = message;
        else next.push(message);
      }
      return next;
    });
    save({ rev: Date.now() });
  }

  /** Feedback shows at once; it is undone if the server refuses it. */
  async function rate(messageId: string, rating: Rating | null): Promise<void> {
    const id = conversationId.value;
    if (!id) return;
    const key = messagesKey(id);
    const before = client.getQueryData<Message[]>(key);
    const put = (change: (m: Message) => Message) =>
      client.setQueryData<Message[]>(key, (old = []) => old.map((m) => (m.id === messageId ? change(m) : m)));
    put((m) => ({ ...m, feedback: rating }));
    try {
      const stored = await authed(() => sendFeedback(ctx, messageId, rating));
      put(() => stored);
      save({ rev: Date.now() });
    } catch (error) {
      client.setQueryData(key, before);
      throw error;
    }
  }

  return { conversationId, history, fetchMessages, resume, ensure, store, rate };
}

export type History = ReturnType<typeof createHistory>;
