import { computed, createModel, effect, signal } from '@preact/signals';
import { isCancelledError } from '@tanstack/query-core';
import type { ConversationMode, ModeEvent } from '../../../contract/index.js';
import { ApiError } from '../api/ApiError.js';
import type { WidgetLook, WidgetUser } from '../types.js';
import { followConnection, followOtherTabs } from './browserSync.js';
import type { ChatDeps } from './ChatDeps.js';
import { createAttachments } from './createAttachments.js';
import type { Handoff } from './createHandoff.js';
import { createHistory } from './createHistory.js';
import { createLeadCapture } from './createLeadCapture.js';
import { createQueryStore } from './createQueryStore.js';
import { createSessionState } from './createSessionState.js';
import { createTurns } from './createTurns.js';
import { type Notice, noticeFor, reportError } from './notice.js';

export type { ChatDeps } from './ChatDeps.js';

const AI: ModeEvent = { mode: 'ai', agentsOnline: false, assignee: null };
/** Waiting for a person, or with one: the assistant is silent and the handoff chunk is needed. */
export const personInvolved = (mode: ConversationMode): boolean => mode === 'waiting' || mode === 'human';

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
  const client = createQueryStore({
    networkMode: 'always',
    staleTime: Number.POSITIVE_INFINITY,
    retry: (count, error) => count < 1 && error instanceof ApiError && (error.status === 0 || error.status >= 500),
  });
  const open = signal(false);
  const phase = signal<'idle' | 'connecting' | 'ready' | 'failed'>('idle');
  const lookOverride = signal<WidgetLook>(deps.look ?? {});
  const online = signal(deps.isOnline());
  const draft = signal('');
  const notice = signal<Notice | null>(null);
  /** Who answers the open conversation: the assistant, or a person (asked for, or there). */
  const person = signal<ModeEvent>(AI);
  /** The handoff chunk once loaded (its state and its UI). */
  const handoff = signal<Handoff | null>(null);
  const report = (error: unknown) => reportError(deps.emit, error);

  const session = createSessionState(deps, client);
  const history = createHistory(client, session, deps.pageUrl);
  const attachments = createAttachments(deps, session, history.conversationId, notice, newId);
  /** Who answers the conversation `id` as saved (by the handoff chunk, across reloads and for other tabs). */
  const savedPerson = (id: string | null): ModeEvent => {
    const saved = session.saved().handoff;
    return (id && saved?.conversationId === id && saved.person) || AI;
  };
  const setPerson = ({ mode, agentsOnline, assignee }: ModeEvent) => {
    person.value = { mode, agentsOnline, assignee };
  };
  const turns = createTurns(
    deps,
    session,
    history,
    {
      draft,
      attachments: attachments.attachments,
      notice,
      online,
      onDelivered: setPerson,
    },
    newId,
  );
  /** The last answer did not come from the site's knowledge: a person is offered right under it. */
  const offerPerson = computed(() => {
    const last = turns.items.value.at(-1);
    return (
      phase.value === 'ready' &&
      last?.role === 'assistant' &&
      (last.message as { grounded?: boolean } | undefined)?.grounded === false &&
      !personInvolved(person.value.mode)
    );
  });
  const leadCapture = createLeadCapture(deps, session, {
    ready: computed(() => phase.value === 'ready'),
    items: turns.items,
    person,
    conversationId: history.conversationId,
    report,
  });
  /** What the panel shows: the site's look under the page's overrides (these alone until the session answers). */
  const look = computed<WidgetLook>(() => ({ ...session.site.value?.look, ...lookOverride.value }));

  async function start(): Promise<void> {
    if (phase.value === 'connecting' || phase.value === 'ready') return;
    phase.value = 'connecting';
    try {
      await session.session();
      const { id, mode } = await history.resume();
      person.value = mode ? { ...AI, mode } : savedPerson(id);
      phase.value = 'ready';
    } catch (error) {
      // Cancelled by `identify`, which has already started over.
      if (isCancelledError(error)) return;
      phase.value = 'failed';
      report(error);
    }
  }

  /** A failure the visitor is told about above the composer (and the page through `error`). */
  const fail = (error: unknown) => {
    notice.value = noticeFor(error instanceof ApiError ? error.code : null);
    report(error);
  };

  const rate = (messageId: string, rating: Parameters<typeof history.rate>[1]): Promise<void> =>
    history.rate(messageId, rating).catch(fail);

  /** The handoff chunk, loaded once: when the visitor asks for a person, or one is asked for or there. */
  let loadingHandoff: Promise<Handoff> | null = null;
  let disposed = false;
  const loadHandoff = (): Promise<Handoff> =>
    (loadingHandoff ??= import('../handoff/handoff.js').then(
      (m) => {
        const part = m.createHandoff({ deps, session, history, open, person, setPerson, notice });
        if (disposed) part[Symbol.dispose]();
        handoff.value = part;
        return part;
      },
      (error) => {
        loadingHandoff = null;
        throw error;
      },
    ));
  effect(() => {
    if (personInvolved(person.value.mode)) loadHandoff().catch(report);
  });
  effect(() => () => {
    disposed = true;
    handoff.value?.[Symbol.dispose]();
  });
  const askForPerson = () => loadHandoff().then((part) => part.request(), fail);

  function newConversation(): void {
    if (turns.streaming.value) return;
    person.value = AI;
    history.conversationId.value = null;
    turns.clear();
    session.save({ conversationId: null, rev: Date.now() });
  }

  /** A different user (or none): a new session with `user`, and that user's own latest conversation. */
  async function identify(next: WidgetUser | null): Promise<void> {
    if (!session.switchTo(next)) return;
    turns.clear();
    client.clear();
    person.value = AI;
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
      person.value = savedPerson(id);
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
    person,
    handoff,
    offerPerson,
    askForPerson,
    ...leadCapture,
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
