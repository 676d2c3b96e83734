import { computed, effect, type Signal } from '@preact/signals';
import type { JSX } from 'preact';
import type { ModeEvent } from '../../../contract/index.js';
import { ApiError } from '../api/ApiError.js';
import { type ConversationEvent, followConversation } from '../api/followConversation.js';
import { requestHandoff } from '../api/requestHandoff.js';
import { HandoffStatus } from '../components/HandoffStatus.js';
import { handoffLocales } from '../i18n/locales.js';
import type { ChatDeps } from './ChatDeps.js';
import type { History } from './createHistory.js';
import type { SessionState } from './createSessionState.js';
import { type Notice, noticeFor, reportError } from './notice.js';

const handoffCss = `.handoff{padding:8px 16px;font-size:13px;border-top:1px solid #e6e8eb}.handoff p{margin:0 0 6px}
input{flex:1;min-width:0;border:1px solid #c9cdd2;border-radius:10px;padding:8px 10px;font:inherit;font-size:16px}`;

/** What the handoff reads from the chat model. */
export interface HandoffDeps {
  deps: ChatDeps;
  session: SessionState;
  history: History;
  open: Signal<boolean>;
  person: Signal<ModeEvent>;
  setPerson: (next: ModeEvent) => void;
  notice: Signal<Notice | null>;
}

export const involvesPerson = (mode: ModeEvent['mode']): boolean => mode === 'waiting' || mode === 'human';

/**
 * A person in the conversation (the lazily loaded handoff chunk): asking for one, and the conversation's event stream,
 * held only while the panel is open and a person is asked for or present. It resumes after the last event it saw
 * (`Last-Event-ID`, kept across reloads), so a dropped connection loses and doubles nothing.
 */
export interface Handoff {
  /**
   * Asks for a person (again: the server answers the same); the email is kept for a reply when no one is online.
   * Failures show as a notice, and reject.
   */
  request(email?: string): Promise<void>;
  /**
   * The handoff's state in the panel: who will answer, and the email field when no one is online (unless `askEmail` is
   * false: the site's lead form asks instead).
   */
  render: (askEmail?: boolean) => JSX.Element;
  /** Closes the event stream. */
  [Symbol.dispose](): void;
}

export function createHandoff({ deps, session, history, open, person, setPerson, notice }: HandoffDeps): Handoff {
  deps.addStyles?.(handoffCss);
  /** Keeps who answers and the stream's last event with the open conversation (across reloads and for other tabs). */
  const remember = (eventId?: string) => {
    const conversationId = history.conversationId.value;
    const before = session.saved().handoff;
    if (conversationId)
      session.save({
        handoff: {
          conversationId,
          person: person.value,
          eventId: eventId ?? (before?.conversationId === conversationId ? before.eventId : null),
        },
        rev: Date.now(),
      });
  };
  const saved = session.saved().handoff;
  let last = saved?.eventId ? { conversationId: saved.conversationId, eventId: saved.eventId } : null;
  const following = computed(() => (open.value && involvesPerson(person.value.mode) ? history.conversationId.value : null));

  async function follow(conversationId: string, ac: AbortController): Promise<void> {
    const { signal } = ac;
    const onEvent = (event: ConversationEvent) => {
      if (signal.aborted || history.conversationId.value !== conversationId) return;
      if (event.id) {
        last = { conversationId, eventId: event.id };
        remember(event.id);
      }
      if (event.type === 'mode') setPerson(event.data);
      else if (event.type === 'message') {
        // Stored by id: an event seen again (another tab's echo, a replay) changes nothing.
        const known = history.history.value.some((m) => m.id === event.data.id);
        history.store([{ message: event.data }]);
        if (!known && event.data.role === 'agent') deps.emit('message:received', event.data);
      }
    };
    for (let wait = 500; !signal.aborted; wait = Math.min(wait * 2, 4000)) {
      const from = last?.conversationId === conversationId ? last.eventId : null;
      // Without an event to resume from, what arrived before the stream opened is read from the history.
      if (!from) await history.fetchMessages(conversationId).catch(() => {});
      await session
        .authed(() => followConversation(session.ctx, conversationId, from, onEvent, signal))
        .then(
          // The server ended the stream (the token expired): open it again at once, with a fresh token if need be.
          () => {
            wait = 125;
          },
          (error) => {
            // Refused for good (the conversation is gone or not this visitor's): stop; a dropped network retries quietly.
            if (error instanceof ApiError && error.status >= 400 && error.status !== 429) return ac.abort();
            if (!(error instanceof ApiError && error.status === 0)) reportError(deps.emit, error);
          },
        );
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  const stopSaving = effect(() => {
    person.value;
    remember();
  });
  const stopFollowing = effect(() => {
    const id = following.value;
    if (!id) return;
    const ac = new AbortController();
    void follow(id, ac);
    return () => ac.abort();
  });

  async function request(email?: string): Promise<void> {
    try {
      const id = await history.ensure();
      const { conversation, agentsOnline } = await session.authed(() => requestHandoff(session.ctx, id, email ? { email } : {}));
      if (history.conversationId.value === id)
        setPerson({ mode: conversation.mode, agentsOnline, assignee: person.value.assignee });
    } catch (error) {
      notice.value = noticeFor(error instanceof ApiError ? error.code : null);
      reportError(deps.emit, error);
      throw error;
    }
  }
  const t = handoffLocales[deps.locale] ?? handoffLocales.en!;

  return {
    request,
    render: (askEmail = true) => <HandoffStatus person={person.value} request={request} t={t} askEmail={askEmail} />,
    [Symbol.dispose]() {
      stopSaving();
      stopFollowing();
    },
  };
}
