import type {
  Conversation,
  ConversationMode,
  FieldError,
  ImageRef,
  Lead,
  LeadForm,
  Message,
  ModeEvent,
  PublicSiteConfig,
} from '../../../contract/index.js';

/**
 * A scripted stand-in for the widget API at the network edge (an injected `fetch` and XMLHttpRequest), speaking the
 * documented wire format: JSON bodies, `{"error":{code,message}}` errors, and the answer as a `text/event-stream`
 * delivered in small uneven chunks with heartbeat comments and CRLF line ends.
 */
export function createFakeServer(
  options: { siteKey?: string; look?: Partial<PublicSiteConfig['look']>; leadCapture?: LeadForm } = {},
) {
  const siteKey = options.siteKey ?? 'pk_test';
  const site: PublicSiteConfig = {
    id: 'a'.repeat(24),
    name: 'Acme',
    identityVerification: false,
    look: {
      title: 'Acme help',
      accentColor: '#2563eb',
      position: 'bottom-right',
      greeting: 'Hi! How can we help?',
      starterPrompts: ['What do you sell?', 'Opening hours?'],
      zIndex: 2147483000,
      ...options.look,
    },
    leadCapture: options.leadCapture ?? null,
  };
  let seq = 0;
  const id = () => (++seq).toString(16).padStart(24, '0');
  const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  const tokens = new Map<string, { visitorId: string; userId: string | null }>();
  const conversations: (Conversation & { visitorId: string })[] = [];
  const messages: Message[] = [];
  const images: ImageRef[] = [];
  /** Each conversation's event log (what `GET …/events` replays after `Last-Event-ID`) and its open streams. */
  const events: { id: number; conversationId: string; text: string }[] = [];
  const streams = new Map<ReadableStreamDefaultController<Uint8Array>, string>();

  const state = {
    siteKey,
    site,
    messages,
    conversations,
    images,
    requests: [] as { method: string; path: string; body: unknown; auth: string | null }[],
    sessionBodies: [] as Record<string, unknown>[],
    /** The next answers, in order; when empty, an echo. */
    answers: [] as string[],
    /** The citations of the next complete answer (then none again). */
    citations: [] as Message['citations'],
    /** When set, the answer streams its first delta and then waits for `release()`. */
    hold: false,
    /** The next send/retry fails this way: an HTTP error before streaming, or a connection dropped mid-stream. */
    failNext: null as null | { status: number; code: string } | 'drop' | 'model_error',
    offline: false,
    /** How long after the visitor stops an answer the server takes to store it (a replay meanwhile gets 409). */
    storeStoppedAfterMs: 0,
    release: () => {},
    /** The next answers do not come from the site's knowledge (`grounded: false`). */
    ungrounded: false,
    /** Whether an agent has the inbox open (the handoff's `agentsOnline`). */
    agentsOnline: true,
    /** Emails left with a handoff request. */
    handoffEmails: [] as string[],
    /** The `Last-Event-ID` of every event stream request (null without one). */
    eventStreamRequests: [] as (string | null)[],
    /** Event streams open right now. */
    openStreams: () => streams.size,
    /** An agent (Alice) replies in the conversation; the reply goes to its event streams. */
    agentReply: (conversationId: string, text: string, name = 'Alice') => {
      const m = message({ conversationId, role: 'agent', text, author: { id: 'agent-1', name } });
      publish(conversationId, 'message', m);
      return m;
    },
    /** An agent takes over (`human`), hands back (`ai`) or closes the conversation. */
    setMode: (conversationId: string, mode: ConversationMode, assignee: { name: string } | null = null) => {
      conversations.find((c) => c.id === conversationId)!.mode = mode;
      publish(conversationId, 'mode', { mode, agentsOnline: state.agentsOnline, assignee } satisfies ModeEvent);
    },
    /** Every open event stream breaks, as when the network drops. */
    dropStreams: () => {
      for (const controller of streams.keys()) controller.error(new TypeError('network error'));
      streams.clear();
    },
    /** The next `POST leads` is refused this way. */
    failNextLead: null as null | { status: number; code: string; message: string; details?: { fields: FieldError[] } },
    /** Leads left through the form, by visitor id (the server's visitor record). */
    leads: new Map<string, Lead & { conversationId?: string }>(),
    /** Forget every visitor token (as if they expired). */
    expireTokens: () => tokens.clear(),
  };

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const error = (status: number, code: string, message = code, details?: unknown) =>
    json(status, { error: { code, message, ...(details ? { details } : {}) } });

  const message = (partial: Partial<Message> & Pick<Message, 'conversationId' | 'role' | 'text'>): Message => {
    const m: Message = {
      id: id(),
      author: null,
      status: 'complete',
      errorCode: null,
      clientMessageId: null,
      images: [],
      feedback: null,
      model: partial.role === 'assistant' ? 'offline' : null,
      usage: null,
      citations: [],
      // Answers are from the site's knowledge unless `ungrounded` says otherwise.
      grounded: partial.role === 'assistant',
      createdAt: now(),
      updatedAt: now(),
      ...partial,
    };
    messages.push(m);
    return m;
  };

  const sse = (name: string, data: unknown, eventId?: number) =>
    `${eventId ? `id: ${eventId}\n` : ''}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const encode = (s: string) => new TextEncoder().encode(s.replaceAll('\n', '\r\n'));
  function publish(conversationId: string, name: string, data: unknown) {
    const event = { id: events.length + 1, conversationId, text: sse(name, data, events.length + 1) };
    events.push(event);
    for (const [controller, cid] of streams) if (cid === conversationId) controller.enqueue(encode(event.text));
  }
  /** `GET …/events`: what the conversation logged after `Last-Event-ID`, then live events until the client leaves. */
  function eventStream(conversationId: string, lastEventId: string | null, signal: AbortSignal | undefined) {
    state.eventStreamRequests.push(lastEventId);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encode(': hello\n\n'));
        for (const e of events)
          if (lastEventId && e.conversationId === conversationId && e.id > Number(lastEventId))
            controller.enqueue(encode(e.text));
        streams.set(controller, conversationId);
        signal?.addEventListener('abort', () => {
          if (streams.delete(controller)) controller.error(new DOMException('aborted', 'AbortError'));
        });
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }

  function chunked(text: string, signal: AbortSignal | undefined, produce: (push: (s: string) => void) => Promise<void>) {
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async start(controller) {
        const push = (s: string) => {
          const bytes = encoder.encode(s.replaceAll('\n', '\r\n'));
          // Uneven chunks, some splitting CRLF and multi-byte characters.
          for (let at = 0; at < bytes.length; at += 5) controller.enqueue(bytes.slice(at, at + 5));
        };
        signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        try {
          push(`: ${text}\n\n`);
          await produce(push);
          controller.close();
        } catch (e) {
          if (!signal?.aborted) controller.error(e);
        }
      },
    });
  }

  /** Answers being streamed, by question clientMessageId: a replay meanwhile is refused (409), as the server does. */
  const inFlight = new Set<string>();

  function answer(conversationId: string, userMessage: Message, signal: AbortSignal | undefined, replacing?: Message) {
    const fail = state.failNext;
    state.failNext = null;
    if (fail && fail !== 'drop' && fail !== 'model_error') return error(fail.status, fail.code);
    const text = state.answers.shift() ?? `You said: ${userMessage.text}`;
    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const cmid = userMessage.clientMessageId ?? '';
    // The answer carries its question's clientMessageId; a retried one is stored in the place (and id) of the old.
    const store = (partial: Pick<Message, 'text'> & Partial<Message>): Message => {
      inFlight.delete(cmid);
      const stored = message({
        conversationId,
        role: 'assistant',
        clientMessageId: userMessage.clientMessageId,
        ...partial,
        ...(state.ungrounded ? { grounded: false } : {}),
      });
      if (!replacing) return stored;
      messages.splice(messages.indexOf(stored), 1);
      const replaced = { ...stored, id: replacing.id, createdAt: replacing.createdAt };
      messages.splice(messages.indexOf(replacing), 1, replaced);
      return replaced;
    };
    inFlight.add(cmid);
    const body = chunked('ping', signal, async (push) => {
      push(event('message', userMessage));
      const words = text.split(/(?<= )/);
      push(event('delta', { text: words[0] }));
      if (state.hold) {
        await new Promise<void>((resolve) => {
          state.release = resolve;
          signal?.addEventListener('abort', () => resolve());
        });
      }
      if (signal?.aborted) {
        if (state.storeStoppedAfterMs) await new Promise((resolve) => setTimeout(resolve, state.storeStoppedAfterMs));
        store({ text: words[0]!, status: 'stopped', errorCode: 'client_disconnected' });
        return;
      }
      if (fail === 'drop') {
        // What was sent arrives; then the connection dies and the server keeps the broken answer.
        await new Promise((resolve) => setTimeout(resolve, 20));
        store({ text: words[0]!, status: 'error', errorCode: 'client_disconnected' });
        throw new TypeError('network error');
      }
      for (const word of words.slice(1)) push(event('delta', { text: word }));
      push(': ping\n\n');
      if (fail === 'model_error') {
        const stored = store({ text: '', status: 'error', errorCode: 'model_unavailable' });
        push(event('error', { error: { code: 'model_unavailable', message: 'The model is unavailable' }, message: stored }));
        return;
      }
      const citations = state.citations;
      state.citations = [];
      push(event('done', store({ text, citations })));
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }

  /** The same clientMessageId again: the stored question and what was stored of its answer, as the server replays. */
  function replay(question: Message) {
    const stored = messages.find((x) => x.role === 'assistant' && x.clientMessageId === question.clientMessageId);
    if (!stored && inFlight.has(question.clientMessageId ?? '')) return error(409, 'conflict');
    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const final = !stored
      ? event('error', { error: { code: 'answer_missing', message: 'The answer was interrupted; retry it.' } })
      : stored.status === 'complete'
        ? event('done', stored)
        : event('error', { error: { code: stored.errorCode, message: 'The answer was stopped.' }, message: stored });
    return new Response(event('message', question) + final, { headers: { 'content-type': 'text/event-stream' } });
  }

  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    if (state.offline) throw new TypeError('Failed to fetch');
    const url = new URL(String(input));
    const path = url.pathname.replace(/^\/v1\/widget\//, '');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const auth = new Headers(init.headers).get('authorization');
    state.requests.push({ method, path: `${path}${url.search}`, body, auth });
    if (method === 'POST' && path === 'sessions') {
      state.sessionBodies.push(body);
      if (body.siteKey !== siteKey) return error(404, 'site_not_found');
      const previous = body.visitorToken ? tokens.get(body.visitorToken) : undefined;
      const visitorId = body.user ? `user-${body.user.id}` : (previous?.visitorId ?? id());
      const visitorToken = `tok-${id()}`;
      tokens.set(visitorToken, { visitorId, userId: body.user?.id ?? null });
      return json(200, {
        visitorToken,
        visitorId,
        expiresAt: '2027-01-01T00:00:00.000Z',
        site,
        user: body.user ? { id: body.user.id, name: body.user.name ?? null } : null,
        leadCaptured: state.leads.has(visitorId),
      });
    }
    const visitor = tokens.get(auth?.replace(/^Bearer /, '') ?? '');
    if (!visitor) return error(401, 'unauthorized');
    const mine = (cid: string) => conversations.find((c) => c.id === cid && c.visitorId === visitor.visitorId);
    if (method === 'GET' && path === 'conversations') {
      const items = conversations.filter((c) => c.visitorId === visitor.visitorId).reverse();
      return json(200, { items: items.slice(0, Number(url.searchParams.get('limit') ?? 20)), nextCursor: null });
    }
    if (method === 'POST' && path === 'conversations') {
      const c = {
        id: id(),
        siteId: site.id,
        title: '',
        messageCount: 0,
        hasImages: false,
        mode: 'ai' as ConversationMode,
        lastMessageAt: now(),
        createdAt: now(),
        visitorId: visitor.visitorId,
      };
      conversations.push(c);
      return json(201, c);
    }
    const handoff = path.match(/^conversations\/(\w+)\/(handoff|events)$/);
    if (handoff) {
      const c = mine(handoff[1]!);
      if (!c) return error(404, 'not_found');
      if (handoff[2] === 'events')
        return eventStream(c.id, new Headers(init.headers).get('last-event-id'), init.signal ?? undefined);
      if (body.email) state.handoffEmails.push(body.email);
      if (c.mode === 'ai' || c.mode === 'closed') state.setMode(c.id, 'waiting');
      const { visitorId: _, ...conversation } = c;
      return json(200, { conversation, agentsOnline: state.agentsOnline });
    }
    const thread = path.match(/^conversations\/(\w+)\/messages$/);
    if (thread) {
      const c = mine(thread[1]!);
      if (!c) return error(404, 'not_found');
      if (method === 'GET') return json(200, { items: messages.filter((x) => x.conversationId === c.id), nextCursor: null });
      const earlier = messages.find(
        (x) => x.role === 'user' && x.clientMessageId === body.clientMessageId && x.conversationId === c.id,
      );
      if (earlier) return replay(earlier);
      if (state.failNext && state.failNext !== 'drop' && state.failNext !== 'model_error')
        return answer(c.id, messages[0]!, undefined);
      const imgs = (body.imageIds as string[]).map((i) => images.find((x) => x.id === i)!);
      const user = message({
        conversationId: c.id,
        role: 'user',
        text: body.text,
        clientMessageId: body.clientMessageId,
        images: imgs,
      });
      // A person is asked for (here: the word "human") or there: the question goes to them, with no answer.
      const asked = c.mode !== 'waiting' && c.mode !== 'human' && /\bhuman\b/i.test(user.text);
      if (asked) state.setMode(c.id, 'waiting');
      if (c.mode === 'waiting' || c.mode === 'human') {
        publish(c.id, 'message', user);
        const delivered = { mode: c.mode, agentsOnline: state.agentsOnline, assignee: null, handoffRequested: asked };
        return new Response(sse('message', user) + sse('delivered', delivered), {
          headers: { 'content-type': 'text/event-stream' },
        });
      }
      if (c.mode === 'closed') c.mode = 'ai';
      return answer(c.id, user, init.signal ?? undefined);
    }
    if (method === 'POST' && path === 'leads') {
      if (!site.leadCapture) return error(409, 'lead_capture_off');
      const refusal = state.failNextLead;
      state.failNextLead = null;
      if (refusal) return error(refusal.status, refusal.code, refusal.message, refusal.details);
      const before = state.leads.get(visitor.visitorId);
      const lead = {
        name: body.name ?? before?.name ?? null,
        email: body.email ?? before?.email ?? null,
        capturedAt: before?.capturedAt ?? now(),
        updatedAt: now(),
        conversationId: body.conversationId,
      };
      if (site.leadCapture.email === 'required' && !lead.email)
        return error(422, 'invalid_lead', 'Invalid body.email: this site asks for an email', {
          fields: [{ in: 'body', path: 'email', code: 'required', message: 'this site asks for an email' }],
        });
      state.leads.set(visitor.visitorId, lead);
      const { conversationId: _, ...stored } = lead;
      return json(200, stored);
    }
    const m = path.match(/^messages\/(\w+)\/(retry|feedback)$/);
    if (m) {
      const target = messages.find((x) => x.id === m[1] && mine(x.conversationId));
      if (target?.role !== 'assistant') return error(404, 'not_found');
      if (m[2] === 'feedback') {
        target.feedback = body.rating;
        return json(200, target);
      }
      if (target.status !== 'error' && target.status !== 'stopped') return error(409, 'not_retryable');
      const question = messages[messages.indexOf(target) - 1]!;
      return answer(target.conversationId, question, init.signal ?? undefined, target);
    }
    return error(404, 'not_found');
  };

  /** XMLHttpRequest for `POST images`: reports progress in two steps and answers 201 with an ImageRef. */
  class FakeXhr {
    status = 0;
    responseText = '';
    upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
      onprogress: null,
    };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private headers: Record<string, string> = {};
    private aborted = false;
    open() {}
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    abort() {
      this.aborted = true;
      this.onabort?.();
    }
    send(form: FormData) {
      const file = form.get('file') as File;
      setTimeout(() => {
        if (this.aborted) return;
        if (state.offline) return this.onerror?.();
        this.upload.onprogress?.({ lengthComputable: true, loaded: file.size / 2, total: file.size });
        this.upload.onprogress?.({ lengthComputable: true, loaded: file.size, total: file.size });
        if (!tokens.has(this.headers.authorization?.replace(/^Bearer /, '') ?? '')) {
          this.status = 401;
          this.responseText = JSON.stringify({ error: { code: 'unauthorized', message: 'no' } });
        } else {
          const ref: ImageRef = {
            id: id(),
            url: `/img/${seq}.png`,
            thumbnailUrl: `/img/${seq}-t.png`,
            width: 10,
            height: 10,
            mimeType: file.type,
          };
          images.push(ref);
          this.status = 201;
          this.responseText = JSON.stringify(ref);
        }
        this.onload?.();
      }, 5);
    }
  }

  return Object.assign(state, {
    fetch: fetch as typeof globalThis.fetch,
    XMLHttpRequest: FakeXhr as unknown as typeof XMLHttpRequest,
  });
}

export type FakeServer = ReturnType<typeof createFakeServer>;
