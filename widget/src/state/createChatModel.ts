import { computed, createModel, effect, signal } from '@preact/signals';
import { isCancelledError, QueryClient } from '@tanstack/query-core';
import { ApiError } from '../api/ApiError.js';
import type { WidgetLook, WidgetUser } from '../types.js';
import { followConnection, followOtherTabs } from './browserSync.js';
import type { ChatDeps } from './ChatDeps.js';
import { createAttachments } from './createAttachments.js';
import { createHistory } from './createHistory.js';
import { createSessionState } from './createSessionState.js';
import { createTurns } from './createTurns.js';
import { type Notice, noticeFor, reportError } from './notice.js';

export type { ChatDeps } from './ChatDeps.js';

const randomId = () =>
  typeof crypto !== 'undefined' && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/**
 * The chat's state, composed of one part per concept: the session, the open conversation's stored history (server
 * state in a query-core cache), the turns in flight, the attachments, and what follows the browser (connection,
 * other tabs). UI state is signals; the network is reached only through `api/`. No DOM; dispose it with
 * `model[Symbol.dispose]()`.
 */
export const ChatModel = createModel((deps: ChatDeps) => {
  const newId = deps.newId ?? (() => randomId().replace(/[^A-Za-z0-9_-]/g, ''));
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        networkMode: 'always',
        staleTime: Number.POSITIVE_INFINITY,
        retry: (count, error) => count < 1 && error instanceof ApiError && (error.status === 0 || error.status >= 500),
      },
    },
  });
  const open = signal(false);
  const phase = signal<'idle' | 'connecting' | 'ready' | 'failed'>('idle');
  const lookOverride = signal<WidgetLook>(deps.look ?? {});
  const online = signal(deps.isOnline());
  const draft = signal('');
  const notice = signal<Notice | null>(null);
  const report = (error: unknown) => reportError(deps.emit, error);

  const session = createSessionState(deps, client);
  const history = createHistory(client, session, deps.pageUrl);
  const attachments = createAttachments(deps, session, history.conversationId, notice, newId);
  const turns = createTurns(deps, session, history, { draft, attachments: attachments.attachments, notice, online }, newId);
  /** What the panel shows: the site's look under the page's overrides (these alone until the session answers). */
  const look = computed<WidgetLook>(() => ({ ...session.site.value?.look, ...lookOverride.value }));

  async function start(): Promise<void> {
    if (phase.value === 'connecting' || phase.value === 'ready') return;
    phase.value = 'connecting';
    try {
      await session.session();
      await history.resume();
      phase.value = 'ready';
    } catch (error) {
      // Cancelled by `identify`, which has already started over.
      if (isCancelledError(error)) return;
      phase.value = 'failed';
      report(error);
    }
  }

  async function rate(messageId: string, rating: Parameters<typeof history.rate>[1]): Promise<void> {
    await history.rate(messageId, rating).catch((error) => {
      notice.value = noticeFor(error instanceof ApiError ? error.code : null);
      report(error);
    });
  }

  function newConversation(): void {
    if (turns.streaming.value) return;
    history.conversationId.value = null;
    turns.clear();
    session.save({ conversationId: null, rev: Date.now() });
  }

  /** A different user (or none): a new session with `user`, and that user's own latest conversation. */
  async function identify(next: WidgetUser | null): Promise<void> {
    if (!session.switchTo(next)) return;
    turns.clear();
    client.clear();
    history.conversationId.value = null;
    session.save({ conversationId: null, token: null });
    if (phase.value !== 'idle') {
      phase.value = 'idle';
      await start();
    }
  }

  followConnection(deps, online, () => {
    if (phase.value === 'failed') start();
    turns.flush();
  });
  followOtherTabs(
    deps,
    () => phase.value === 'ready' && !turns.streaming.value,
    session.userId,
    (token, id) => {
      if (token) session.adopt(token);
      if (id !== history.conversationId.value) turns.clear();
      history.conversationId.value = id;
      if (id) history.fetchMessages(id).catch(report);
    },
  );
  effect(() => () => client.clear());

  return {
    open,
    phase,
    site: session.site,
    lookOverride,
    look,
    conversationId: history.conversationId,
    items: turns.items,
    streaming: turns.streaming,
    online,
    draft,
    notice,
    start,
    send: turns.send,
    stop: turns.stop,
    retry: turns.retry,
    rate,
    ...attachments,
    newConversation,
    identify,
  };
});

export type ChatModel = InstanceType<typeof ChatModel>;
