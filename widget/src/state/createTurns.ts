import { computed, effect, type Signal, signal } from '@preact/signals';
import type { Message, ModeEvent, SendMessage } from '../../../contract/index.js';
import { ApiError, isAbort } from '../api/ApiError.js';
import { retryMessage } from '../api/retryMessage.js';
import { sendMessage } from '../api/sendMessage.js';
import type { StreamEvent } from '../api/streamAnswer.js';
import type { ChatDeps } from './ChatDeps.js';
import { type ChatItem, mergeItems } from './ChatItem.js';
import type { Attachment } from './createAttachments.js';
import type { History } from './createHistory.js';
import type { SessionState } from './createSessionState.js';
import { type Notice, noticeFor, reportError } from './notice.js';
import { reduceTurns, type Turn, type TurnAction } from './turnReducer.js';

/** The composer's state a turn reads and clears, and where its failures show. */
interface Composer {
  draft: Signal<string>;
  attachments: Signal<Attachment[]>;
  notice: Signal<Notice | null>;
  online: Signal<boolean>;
  /** The question went to a person instead of the assistant (`delivered`). */
  onDelivered: (person: ModeEvent) => void;
}

/**
 * The visitor's turns: sending (or queueing offline), the answer's event stream, stop and retry. Bubbles in flight
 * change only through `reduceTurns`; once settled they move, in order, into the stored history.
 */
export function createTurns(
  deps: ChatDeps,
  session: SessionState,
  history: History,
  { draft, attachments, notice, online, onDelivered }: Composer,
  newId: () => string,
) {
  const live = signal<ChatItem[]>([]);
  const streaming = signal(false);
  const items = computed(() => mergeItems(history.history.value, live.value));
  let controller: AbortController | null = null;
  /** Stopped or broken answers whose stored version is being read back: later turns wait behind them to keep order. */
  const readingBack = new Set<string>();
  const dispatch = (action: TurnAction) => {
    live.value = reduceTurns(live.value, action);
  };
  const report = (error: unknown) => reportError(deps.emit, error);

  /** Moves settled bubbles into the history, up to the first one still streaming or being read back. */
  function commit(): void {
    const settled: (ChatItem & { message: Message })[] = [];
    for (const item of live.value) {
      if (item.status === 'streaming' || readingBack.has(item.key)) break;
      if (item.message) settled.push(item as ChatItem & { message: Message });
    }
    if (!settled.length) return;
    history.store(settled);
    dispatch({ type: 'committed', keys: settled.map((item) => item.key) });
  }

  async function stream(question: ChatItem | null, retryOf: ChatItem | null): Promise<void> {
    const ac = new AbortController();
    controller = ac;
    streaming.value = true;
    notice.value = null;
    const turn = { question: question?.key ?? null, answer: retryOf ? retryOf.key : `answer-${question!.key}` };
    const { id = null, clientMessageId = null } = retryOf ?? {};
    const item: ChatItem = {
      key: turn.answer,
      id,
      role: 'assistant',
      text: '',
      status: 'streaming',
      images: [],
      feedback: null,
      errorCode: null,
      clientMessageId: null,
      replaces: id ?? undefined,
    };
    dispatch({ type: 'started', turn, item });
    let sent = !question;
    let conversationId = history.conversationId.value;
    const onEvent = (event: StreamEvent) => {
      if (ac.signal.aborted) return;
      dispatch({ ...event, turn });
      if (event.type === 'message') sent = true;
      else if (event.type === 'done') deps.emit('message:received', event.data);
      else if (event.type === 'delivered') onDelivered(event.data);
      else if (event.type === 'error') report(new ApiError(0, event.data.error.code, event.data.error.message));
    };
    try {
      if (id) await session.authed(() => retryMessage(session.ctx, id, onEvent, ac.signal));
      else {
        conversationId = await history.ensure();
        const body = sendBody(question!);
        await session.authed(() => sendMessage(session.ctx, conversationId!, body, onEvent, ac.signal));
      }
    } catch (error) {
      const code = isAbort(error) ? null : error instanceof ApiError ? error.code : 'error';
      dispatch({ type: 'cut', turn, code, sent });
      if (code) notice.value = noticeFor(code);
      report(error);
    }
    controller = null;
    streaming.value = false;
    // A stopped or broken answer is stored by the server with an id this tab has not seen: read it back once.
    const asked =
      question ?? items.value.find((i) => i.role === 'user' && clientMessageId && i.clientMessageId === clientMessageId);
    if (sent && asked && conversationId && live.value.some((i) => i.key === turn.answer && !i.message))
      void readBack(turn, conversationId, sendBody(asked));
    else commit();
  }

  /**
   * Asks for the answer again with the question's clientMessageId: the server replays what it stored (the stopped or
   * failed answer, with its id) instead of answering anew, waiting up to 2 s for one still being stored; it says 409
   * when that was not enough. Later turns wait behind this one, so the history keeps its order.
   */
  async function readBack(turn: Turn, conversationId: string, body: SendMessage): Promise<void> {
    readingBack.add(turn.answer);
    commit();
    // Only what the server stored: an answer it lost (`answer_missing`) keeps the state this tab saw.
    const onEvent = (event: StreamEvent) =>
      (event.type === 'done' || (event.type === 'error' && event.data.message)) &&
      dispatch({ ...event, turn: { ...turn, question: null } });
    try {
      // Waits 0.1 s, then twice as long each time the server says 409, five times at most.
      for (let wait = 100; wait < 3200; wait *= 2) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (history.conversationId.value !== conversationId || !readingBack.has(turn.answer)) return;
        const replayed = await session
          .authed(() => sendMessage(session.ctx, conversationId, body, onEvent))
          .then(
            () => true,
            (error) => !(error instanceof ApiError && error.status === 409),
          );
        if (replayed) return;
      }
    } finally {
      readingBack.delete(turn.answer);
      commit();
    }
  }

  /** Sends what waited for the connection, in order. */
  async function flush(): Promise<void> {
    for (const item of live.value) {
      if (item.role === 'user' && !item.id && item.errorCode === 'offline' && online.value && !streaming.value)
        await stream(item, null);
    }
  }

  async function send(text?: string): Promise<void> {
    const body = (text ?? draft.value).trim();
    const ready = attachments.value.filter((a) => a.status === 'done');
    if (streaming.value) return;
    if (attachments.value.some((a) => a.status === 'uploading')) {
      notice.value = 'uploading';
      return;
    }
    if (!body && !ready.length) return;
    const key = newId();
    const item: ChatItem = {
      key,
      id: null,
      role: 'user',
      text: body,
      status: 'pending',
      // The previews stand in for the stored images until the server's echo.
      images: ready.map((a) => ({
        id: a.imageId!,
        url: a.previewUrl,
        thumbnailUrl: a.previewUrl,
        width: 0,
        height: 0,
        mimeType: '',
      })),
      feedback: null,
      errorCode: online.value ? null : 'offline',
      clientMessageId: key,
    };
    dispatch({ type: 'queued', item });
    if (text === undefined) draft.value = '';
    attachments.value = [];
    deps.emit('message:sent', { clientMessageId: key, text: body, imageIds: item.images.map((i) => i.id) });
    if (online.value) await stream(item, null);
  }

  /** Retry: a failed or stopped answer is regenerated; a message that never reached the server is sent again. */
  async function retry(key: string): Promise<void> {
    const item = items.value.find((i) => i.key === key);
    if (!item || streaming.value) return;
    if (item.role === 'assistant' && item.id) await stream(null, item);
    else if (item.role === 'user' && !item.id) await stream(item, null);
  }

  const stop = () => controller?.abort();

  // Disposal stops the answer in flight.
  effect(() => stop);

  return {
    items,
    streaming,
    send,
    stop,
    retry,
    flush,
    /** Forgets the turns in flight (a new conversation, another user); stops the answer if asked. */
    clear(): void {
      stop();
      readingBack.clear();
      dispatch({ type: 'cleared' });
    },
  };
}

const sendBody = (item: ChatItem): SendMessage => ({
  text: item.text,
  imageIds: item.images.map((i) => i.id),
  clientMessageId: item.clientMessageId!,
});
