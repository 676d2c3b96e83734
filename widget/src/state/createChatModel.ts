import { computed, createModel, effect, signal } from '@preact/signals';
import { hashKey, isCancelledError, QueryClient } from '@tanstack/query-core';
import type { Message, PublicSiteConfig, Rating, SessionResponse, SiteLook } from '../../../contract/index.js';
import type { ApiContext } from '../api/ApiContext.js';
import { ApiError, isAbort } from '../api/ApiError.js';
import { createConversation } from '../api/createConversation.js';
import { createSession } from '../api/createSession.js';
import { listConversations } from '../api/listConversations.js';
import { listMessages } from '../api/listMessages.js';
import { retryMessage } from '../api/retryMessage.js';
import { sendFeedback } from '../api/sendFeedback.js';
import { sendMessage } from '../api/sendMessage.js';
import type { StreamEvent } from '../api/streamAnswer.js';
import { uploadImage } from '../api/uploadImage.js';
import type { Strings } from '../i18n/locales.js';
import type { Emit, WidgetLook, WidgetUser } from '../types.js';
import { type ChatItem, fromMessage, mergeItems } from './ChatItem.js';
import { checkImage } from './checkImage.js';
import { readPersisted, storageKey, writePersisted } from './persisted.js';

/** The model's edges: everything that touches the browser or the network comes in here, so tests swap it. */
export interface ChatDeps {
  siteKey: string;
  apiUrl: string;
  locale: string;
  user: WidgetUser | null;
  /** The page's overrides of the site's look. */
  look?: WidgetLook;
  fetch: typeof fetch;
  XMLHttpRequest?: typeof XMLHttpRequest;
  storage: Storage | null;
  /** Where `online`, `offline` and `storage` events come from. */
  events: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  isOnline: () => boolean;
  emit: Emit;
  /** Called with the site's look once the session is known (the loader colours the launcher with it). */
  onLook?: (look: SiteLook) => void;
  pageUrl?: string;
  previewUrl?: (file: Blob) => string;
  newId?: () => string;
}

export type Notice = keyof Strings;

export interface Attachment {
  key: string;
  name: string;
  previewUrl: string;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  imageId: string | null;
}

const randomId = () =>
  typeof crypto !== 'undefined' && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** Maps an API error code to the sentence shown for it. */
export const noticeFor = (code: string | null): Notice =>
  code === 'rate_limited'
    ? 'rateLimited'
    : code === 'network_error' || code === 'stream_interrupted'
      ? 'connectionLost'
      : 'failed';

/**
 * The chat's state: server state in a query-core cache (session, latest conversation, messages), UI state in signals,
 * actions that go through `api/`. No DOM; dispose it with `model[Symbol.dispose]()`.
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
  let user = deps.user;
  let token: string | null = null;
  let controller: AbortController | null = null;
  const uploads = new Map<string, AbortController>();
  const ctx: ApiContext = { apiUrl: deps.apiUrl, fetch: deps.fetch, token: () => token, XMLHttpRequest: deps.XMLHttpRequest };
  const saved = () => readPersisted(deps.storage, deps.siteKey);
  const save = (patch: Parameters<typeof writePersisted>[2]) => writePersisted(deps.storage, deps.siteKey, patch);

  const open = signal(false);
  const phase = signal<'idle' | 'connecting' | 'ready' | 'failed'>('idle');
  const site = signal<PublicSiteConfig | null>(null);
  const lookOverride = signal<WidgetLook>(deps.look ?? {});
  /** What the panel shows: the site's look under the page's overrides (these alone until the session answers). */
  const look = computed<WidgetLook>(() => ({ ...site.value?.look, ...lookOverride.value }));
  const conversationId = signal<string | null>(null);
  const history = signal<Message[]>([]);
  const live = signal<ChatItem[]>([]);
  const streaming = signal(false);
  const online = signal(deps.isOnline());
  const draft = signal('');
  const attachments = signal<Attachment[]>([]);
  const notice = signal<Notice | null>(null);
  const items = computed(() => mergeItems(history.value, live.value));

  const messagesKey = (id: string) => ['messages', id];
  const report = (error: unknown) => {
    // Aborted requests and queries cancelled by `identify` (which clears the cache) are not failures.
    if (isAbort(error) || isCancelledError(error)) return;
    const e = error instanceof ApiError ? error : new ApiError(0, 'error', String((error as Error)?.message ?? error));
    deps.emit('error', { code: e.code, message: e.message });
  };

  // History mirrors the query cache entry of the open conversation.
  effect(() => {
    const id = conversationId.value;
    if (!id) {
      history.value = [];
      return;
    }
    const hash = hashKey(messagesKey(id));
    const sync = () => {
      history.value = client.getQueryData<Message[]>(messagesKey(id)) ?? [];
    };
    sync();
    return client.getQueryCache().subscribe((event) => event.query.queryHash === hash && sync());
  });

  function session(): Promise<SessionResponse> {
    return client.fetchQuery({
      queryKey: ['session', user?.id ?? null],
      queryFn: async () => {
        const before = saved();
        // A stored token is reused only by the same (or the same anonymous) visitor.
        const visitorToken = before.token && (before.userId ?? null) === (user?.id ?? null) ? before.token : undefined;
        const body = { siteKey: deps.siteKey, user: user ?? undefined, locale: deps.locale };
        const res = await createSession(ctx, { ...body, visitorToken }).catch((error) => {
          if (visitorToken && error instanceof ApiError && (error.status === 400 || error.status === 401))
            return createSession(ctx, body);
          throw error;
        });
        token = res.visitorToken;
        site.value = res.site;
        save({ token, userId: user?.id ?? null, look: res.site.look });
        deps.onLook?.(res.site.look);
        return res;
      },
    });
  }

  /** Runs an authenticated call; an expired token (401) gets one fresh session and one more try. */
  async function authed<T>(call: () => Promise<T>): Promise<T> {
    await session();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      token = null;
      save({ token: null });
      client.removeQueries({ queryKey: ['session'] });
      await session();
      return call();
    }
  }

  const fetchMessages = (id: string) =>
    authed(() =>
      client.fetchQuery({ queryKey: messagesKey(id), queryFn: async () => (await listMessages(ctx, id)).items, staleTime: 0 }),
    );

  async function start(): Promise<void> {
    if (phase.value === 'connecting' || phase.value === 'ready') return;
    phase.value = 'connecting';
    try {
      await session();
      let id = saved().conversationId ?? null;
      if (id) {
        await fetchMessages(id).catch((error) => {
          // The stored conversation is gone or belongs to someone else: fall back to the visitor's latest.
          if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 403)) throw error;
          id = null;
        });
      }
      if (!id) {
        id = (await authed(() => listConversations(ctx, 1))).items[0]?.id ?? null;
        if (id) await fetchMessages(id);
      }
      conversationId.value = id;
      save({ conversationId: id });
      phase.value = 'ready';
    } catch (error) {
      // Cancelled by `identify`, which has already started over.
      if (isCancelledError(error)) return;
      phase.value = 'failed';
      report(error);
    }
  }

  async function ensureConversation(): Promise<string> {
    if (conversationId.value) return conversationId.value;
    const conversation = await authed(() => createConversation(ctx, deps.pageUrl ? { pageUrl: deps.pageUrl } : {}));
    client.setQueryData(messagesKey(conversation.id), []);
    conversationId.value = conversation.id;
    save({ conversationId: conversation.id, rev: Date.now() });
    return conversation.id;
  }

  const patchLive = (key: string, patch: Partial<ChatItem> | ((item: ChatItem) => Partial<ChatItem>)) => {
    live.value = live.value.map((item) =>
      item.key === key ? { ...item, ...(typeof patch === 'function' ? patch(item) : patch) } : item,
    );
  };

  /** Moves stored messages out of the live overlay into the cache; the tab's neighbours are told to refetch. */
  function commit(): void {
    const id = conversationId.value;
    if (!id) return;
    const done = live.value.filter((item) => item.message && item.status !== 'streaming');
    if (!done.length) return;
    client.setQueryData<Message[]>(messagesKey(id), (old = []) => {
      const next = [...old];
      for (const { message, replaces } of done) {
        const at = next.findIndex((m) => m.id === (replaces ?? message!.id));
        if (at >= 0) next[at] = message!;
        else next.push(message!);
      }
      return next;
    });
    live.value = live.value.filter((item) => !done.includes(item));
    save({ rev: Date.now() });
  }

  async function stream(userItem: ChatItem | null, retryOf: ChatItem | null): Promise<void> {
    const ac = new AbortController();
    controller = ac;
    streaming.value = true;
    notice.value = null;
    const answerKey = retryOf ? retryOf.key : `answer-${userItem!.key}`;
    const answer: ChatItem = {
      key: answerKey,
      id: retryOf?.id ?? null,
      role: 'assistant',
      text: '',
      status: 'streaming',
      images: [],
      feedback: null,
      errorCode: null,
      clientMessageId: null,
      replaces: retryOf?.id ?? undefined,
    };
    live.value = [...live.value.filter((item) => item.key !== answerKey), answer];
    if (userItem) patchLive(userItem.key, { status: 'pending', errorCode: null });
    let userStored = !userItem;
    const onEvent = (event: StreamEvent) => {
      if (ac.signal.aborted) return;
      if (event.type === 'message') {
        userStored = true;
        if (userItem) patchLive(userItem.key, { ...fromMessage(event.data), key: userItem.key });
      } else if (event.type === 'delta') {
        patchLive(answerKey, (item) => ({ text: item.text + event.data.text }));
      } else if (event.type === 'done') {
        patchLive(answerKey, { ...fromMessage(event.data), key: answerKey });
        deps.emit('message:received', event.data);
      } else {
        const stored = event.data.message;
        patchLive(
          answerKey,
          stored ? { ...fromMessage(stored), key: answerKey } : { status: 'error', errorCode: event.data.error.code },
        );
        report(new ApiError(0, event.data.error.code, event.data.error.message));
      }
    };
    try {
      if (retryOf) await authed(() => retryMessage(ctx, retryOf.id!, onEvent, ac.signal));
      else {
        const id = await ensureConversation();
        const body = {
          text: userItem!.text,
          imageIds: userItem!.images.map((i) => i.id),
          clientMessageId: userItem!.clientMessageId!,
        };
        await authed(() => sendMessage(ctx, id, body, onEvent, ac.signal));
      }
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'error';
      if (isAbort(error)) patchLive(answerKey, { status: 'stopped' });
      else if (!userStored && userItem) {
        // Nothing was stored: keep the visitor's text in its bubble with a Retry (same clientMessageId, so no duplicate).
        patchLive(userItem.key, { status: 'error', errorCode: code });
        live.value = live.value.filter((item) => item.key !== answerKey);
      } else patchLive(answerKey, { status: 'error', errorCode: code });
      if (!isAbort(error)) notice.value = noticeFor(code);
      report(error);
    } finally {
      controller = null;
      streaming.value = false;
      commit();
    }
    // A locally stopped or broken answer has no id yet: the server stored it, so read it back once it settled.
    if (live.value.some((item) => item.key === answerKey))
      setTimeout(() => readBack(answerKey, userItem?.clientMessageId, retryOf?.id ?? undefined), 300);
  }

  async function readBack(answerKey: string, clientMessageId: string | null | undefined, retriedId: string | undefined) {
    const id = conversationId.value;
    // The next answer is already streaming: read back once it is over, or this local item would stay behind, below
    // the turns that follow it.
    if (streaming.value) return void setTimeout(() => readBack(answerKey, clientMessageId, retriedId), 300);
    if (!id || !(await fetchMessages(id).catch(() => null)) || id !== conversationId.value) return;
    const stored = client.getQueryData<Message[]>(messagesKey(id)) ?? [];
    const at = stored.findIndex((m) => (clientMessageId && m.clientMessageId === clientMessageId) || m.id === retriedId);
    if (at >= 0 && stored[retriedId ? at : at + 1]?.role === 'assistant')
      live.value = live.value.filter((item) => item.key !== answerKey);
  }

  /** Sends what is waiting, in order; used after coming back online. */
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
    live.value = [...live.value, item];
    if (text === undefined) draft.value = '';
    attachments.value = [];
    deps.emit('message:sent', { clientMessageId: key, text: body, imageIds: item.images.map((i) => i.id) });
    if (online.value) await stream(item, null);
  }

  function stop(): void {
    controller?.abort();
  }

  /** Retry: a failed or stopped answer is regenerated; a message that never reached the server is sent again. */
  async function retry(key: string): Promise<void> {
    const item = items.value.find((i) => i.key === key);
    if (!item || streaming.value) return;
    if (item.role === 'assistant' && item.id) await stream(null, item);
    else if (item.role === 'user' && !item.id) await stream(item, null);
  }

  async function rate(messageId: string, rating: Rating | null): Promise<void> {
    const id = conversationId.value;
    if (!id) return;
    const key = messagesKey(id);
    const before = client.getQueryData<Message[]>(key);
    client.setQueryData<Message[]>(key, (old = []) => old.map((m) => (m.id === messageId ? { ...m, feedback: rating } : m)));
    try {
      const stored = await authed(() => sendFeedback(ctx, messageId, rating));
      client.setQueryData<Message[]>(key, (old = []) => old.map((m) => (m.id === messageId ? stored : m)));
      save({ rev: Date.now() });
    } catch (error) {
      client.setQueryData(key, before);
      notice.value = noticeFor(error instanceof ApiError ? error.code : null);
      report(error);
    }
  }

  function attach(files: Iterable<File>): void {
    for (const file of files) {
      const problem = checkImage(file, attachments.value.length);
      if (problem) {
        notice.value = problem;
        continue;
      }
      const key = newId();
      const ac = new AbortController();
      uploads.set(key, ac);
      const patch = (p: Partial<Attachment>) => {
        attachments.value = attachments.value.map((a) => (a.key === key ? { ...a, ...p } : a));
      };
      const previewUrl = deps.previewUrl?.(file) ?? '';
      attachments.value = [
        ...attachments.value,
        { key, name: file.name, previewUrl, progress: 0, status: 'uploading', imageId: null },
      ];
      authed(() => uploadImage(ctx, file, conversationId.value, (progress) => patch({ progress }), ac.signal)).then(
        (ref) => patch({ status: 'done', progress: 1, imageId: ref.id }),
        (error) => {
          if (isAbort(error)) return;
          patch({ status: 'error' });
          notice.value =
            error instanceof ApiError && error.status === 413
              ? 'imageSize'
              : error?.status === 415
                ? 'imageType'
                : 'uploadFailed';
          report(error);
        },
      );
    }
  }

  function detach(key: string): void {
    uploads.get(key)?.abort();
    uploads.delete(key);
    attachments.value = attachments.value.filter((a) => a.key !== key);
  }

  function newConversation(): void {
    if (streaming.value) return;
    conversationId.value = null;
    live.value = [];
    save({ conversationId: null, rev: Date.now() });
  }

  /** A different user (or none): a new session with `user`, and that user's own latest conversation. */
  async function identify(next: WidgetUser | null): Promise<void> {
    if ((next?.id ?? null) === (user?.id ?? null) && next?.userHash === user?.userHash) return;
    controller?.abort();
    user = next;
    token = null;
    client.clear();
    live.value = [];
    conversationId.value = null;
    save({ conversationId: null, token: null });
    if (phase.value !== 'idle') {
      phase.value = 'idle';
      await start();
    }
  }

  // Offline is shown, and what was written offline goes out when the connection is back.
  effect(() => {
    const update = () => {
      online.value = deps.isOnline();
      if (!online.value) return;
      if (phase.value === 'failed') start();
      flush();
    };
    deps.events.addEventListener('online', update);
    deps.events.addEventListener('offline', update);
    return () => {
      deps.events.removeEventListener('online', update);
      deps.events.removeEventListener('offline', update);
    };
  });

  // Another tab changed the conversation or finished a turn: follow it.
  effect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== storageKey(deps.siteKey) || phase.value !== 'ready' || streaming.value) return;
      const next = readPersisted(deps.storage, deps.siteKey);
      if ((next.userId ?? null) !== (user?.id ?? null)) return;
      if (next.token) token = next.token;
      const id = next.conversationId ?? null;
      if (id !== conversationId.value) live.value = [];
      conversationId.value = id;
      if (id) fetchMessages(id).catch(report);
    };
    deps.events.addEventListener('storage', onStorage as EventListener);
    return () => deps.events.removeEventListener('storage', onStorage as EventListener);
  });

  // Disposal stops what is in flight.
  effect(() => () => {
    controller?.abort();
    for (const ac of uploads.values()) ac.abort();
    client.clear();
  });

  return {
    open,
    phase,
    site,
    lookOverride,
    look,
    conversationId,
    items,
    streaming,
    online,
    draft,
    attachments,
    notice,
    start,
    send,
    stop,
    retry,
    rate,
    attach,
    detach,
    newConversation,
    identify,
  };
});

export type ChatModel = InstanceType<typeof ChatModel>;
