import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteCreate } from '../../contract/sites.js';
import type { ChatModel } from '../ai/ChatModel.js';
import { createGeminiModel } from '../ai/geminiModel.js';
import { createOfflineModel } from '../ai/offlineModel.js';
import { loadConfig } from '../config.js';
import { createServer } from '../createServer.js';
import type { ServiceDeps } from '../domain/createServices.js';
import type { AdminAuth } from '../http/middleware/adminAuth.js';
import { GENEROUS_LIMITS, type RateLimitSettings } from '../http/middleware/rateLimits.js';
import type { ImageStorage } from '../images/ImageStorage.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openTestDatabase, serverDatabase } from './database.js';
import { type FakeGeminiBehaviour, startFakeGemini } from './fakeGemini.js';

export { GENEROUS_LIMITS } from '../http/middleware/rateLimits.js';

export interface TestAppOptions {
  model?: ChatModel;
  adminAuth?: AdminAuth;
  rateLimits?: RateLimitSettings;
  env?: Record<string, string>;
  /** Image storage; files in the test's own data folder by default. */
  storage?: ImageStorage;
  /** Overrides of the domain's dependencies (limits, clock, instance id, leases). */
  services?: Partial<ServiceDeps>;
  /** Joins this test file's database as it is (a second instance of the same deployment) instead of emptying it. */
  joinDatabase?: boolean;
  /** The driver emits an event per database command (counted with `recordCommands`). */
  monitorCommands?: boolean;
  /** The server's logger; silent unless TEST_LOG_LEVEL is set. */
  log?: Logger;
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** Parses a whole `text/event-stream` body into its events (comments skipped). */
export function parseSse(body: string): SseEvent[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((line) => line && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const event =
        lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      return { event, data: data ? JSON.parse(data) : null };
    });
}

/**
 * Reads a send's event stream until its first `delta`, so the answer is known to be streaming; `events` then gives the
 * whole stream's events (what arrived, should the connection be cut, e.g. by the server process exiting).
 */
export async function untilFirstDelta(res: Response): Promise<{ events: Promise<SseEvent[]> }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let body = '';
  while (!body.includes('event: delta')) {
    const next = await reader.read();
    if (next.done) throw new Error(`stream ended before a delta: ${body}`);
    body += decoder.decode(next.value, { stream: true });
  }
  const events = (async () => {
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        body += decoder.decode(next.value, { stream: true });
      }
    } catch {
      // The connection was cut: what arrived is the result.
    }
    return parseSse(body);
  })();
  return { events };
}

/**
 * The real app on this test file's own database, listening on a free loopback port.
 * Pass `import.meta.url`.
 */
export async function startTestApp(fileUrl: string, options: TestAppOptions = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-app-'));
  const connection = await openTestDatabase(fileUrl, { keep: options.joinDatabase, monitorCommands: options.monitorCommands });
  const server = await createServer(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', ...options.env }), {
    database: serverDatabase(connection),
    log: options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    model: options.model ?? createOfflineModel({ chunkDelayMs: 0 }),
    storage: options.storage,
    adminAuth: options.adminAuth,
    rateLimits: options.rateLimits ?? GENEROUS_LIMITS,
    services: options.services,
    staticDirs: null,
    demoSite: false,
    // The job queue polls often, so background work (a site deletion) finishes within a test's patience.
    jobs: { pollMs: 25, backoffMs: 50 },
  });
  const { models, services } = server;
  const adminToken = server.adminToken as string;
  const web = await server.listen();
  const url = web.url;

  const request = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(url + path, { ...init, headers, body });
  };

  return {
    url,
    /** The Express app itself (its routers are compared with the OpenAPI table). */
    app: server.app,
    dataDir,
    connection,
    models,
    services,
    adminToken,
    request,
    /** An admin request with the local admin token (or the given token). */
    admin: (path: string, init: RequestInit & { json?: unknown; token?: string } = {}) =>
      request(path, { ...init, token: init.token ?? adminToken }),
    async createSite(input: Partial<SiteCreate> = {}, token = adminToken) {
      const res = await request('/v1/admin/sites', { method: 'POST', token, json: { name: 'Test site', ...input } });
      if (res.status !== 201) throw new Error(`createSite: ${res.status} ${await res.text()}`);
      return (await res.json()) as import('../../contract/sites.js').SiteWithSecret;
    },
    async startVisitor(siteKey: string, extraBody: Record<string, unknown> = {}) {
      const res = await request('/v1/widget/sessions', {
        method: 'POST',
        headers: { origin: 'http://localhost:5173' },
        json: { siteKey, ...extraBody },
      });
      if (res.status !== 200) throw new Error(`startVisitor: ${res.status} ${await res.text()}`);
      const session = (await res.json()) as import('../../contract/widget.js').SessionResponse;
      const token = session.visitorToken;
      const visitorRequest = (path: string, init: RequestInit & { json?: unknown } = {}) =>
        request(path, { ...init, token, headers: { origin: 'http://localhost:5173', ...(init.headers as object) } });
      return {
        session,
        token,
        request: visitorRequest,
        async newConversation() {
          const created = await visitorRequest('/v1/widget/conversations', { method: 'POST', json: {} });
          return (await created.json()) as import('../../contract/widget.js').Conversation;
        },
        async send(conversationId: string, text: string, clientMessageId: string, imageIds: string[] = []) {
          const res = await visitorRequest(`/v1/widget/conversations/${conversationId}/messages`, {
            method: 'POST',
            json: { text, clientMessageId, imageIds },
          });
          return {
            res,
            events: res.headers.get('content-type')?.startsWith('text/event-stream') ? parseSse(await res.text()) : [],
          };
        },
      };
    },
    async close() {
      await server.stop(1000);
      await connection.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export interface GeminiTestAppOptions extends TestAppOptions {
  gemini?: {
    /** The app answers through Gemini (default); `false` keeps `model` (the offline answerer by default). */
    answers?: boolean;
    /** GEMINI_API_KEY and GEMINI_BASE_URL in the app's environment, so it embeds knowledge through the fake too. */
    embeddings?: boolean;
    /** How long the SDK model waits for the first token (its own default otherwise). */
    firstTokenTimeoutMs?: number;
    /** What the fake streams when a test queued nothing (an echo otherwise). */
    defaultBehaviour?: FakeGeminiBehaviour;
  };
}

/**
 * The test app with Gemini behind it: a fresh local fake of the Gemini API (`gemini`) and the real `@google/genai` SDK
 * pointed at it, as `gemini-2.5-flash`. `close` stops the fake too.
 */
export async function startGeminiTestApp(fileUrl: string, options: GeminiTestAppOptions = {}) {
  const { gemini: uses = {}, ...appOptions } = options;
  const gemini = await startFakeGemini({ defaultBehaviour: uses.defaultBehaviour });
  const { apiKey, url: baseUrl } = gemini;
  const app = await startTestApp(fileUrl, {
    ...appOptions,
    model:
      uses.answers === false
        ? appOptions.model
        : createGeminiModel({ apiKey, model: 'gemini-2.5-flash', baseUrl, firstTokenTimeoutMs: uses.firstTokenTimeoutMs }),
    env: uses.embeddings ? { GEMINI_API_KEY: apiKey, GEMINI_BASE_URL: baseUrl, ...appOptions.env } : appOptions.env,
  });
  return {
    ...app,
    gemini,
    async close() {
      await app.close();
      await gemini.close();
    },
  };
}
