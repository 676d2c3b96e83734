import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatModel } from '../server/ai/ChatModel.js';
import { createOfflineModel } from '../server/ai/offlineModel.js';
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/createServer.js';
import { openTestDatabase, serverDatabase } from '../server/test/database.js';
// Declares the `mongoBaseUri` that the vitest project's globalSetup provides.
import type {} from '../server/test/globalSetup.js';
import { GENEROUS_LIMITS } from '../server/test/testApp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface E2eServerOptions {
  /** The AI provider; the offline FAQ provider (streaming in small steps) by default. */
  model?: ChatModel;
  /** Redis for the event bus and the rate limits (`REDIS_URL`), as several instances run. */
  redisUrl?: string;
  /** More configuration, as environment variables (e.g. `KNOWLEDGE_ALLOW_PRIVATE_HOSTS` for a site on loopback). */
  env?: Record<string, string>;
  /** Another instance of the same product: this one shares its database and data folder (secrets, images). */
  shareWith?: { shared: SharedState };
}

/** What instances of one product share: the database connection and the data folder. */
interface SharedState {
  dataDir: string;
  connection: Awaited<ReturnType<typeof openTestDatabase>>;
}

/**
 * The product as `npm start` composes it (`createServer`, as server/main.ts does): local admin mode, the demo site, local image storage with
 * absolute URLs, and the built widget, dashboard and example pages served from the same origin, on this test file's
 * own database and a free loopback port. `dist/` must be built first (`npm test` runs `build:web` before vitest).
 */
export async function startE2eServer(fileUrl: string, options: E2eServerOptions = {}) {
  if (!existsSync(join(root, 'dist', 'widget', 'widget.js')) || !existsSync(join(root, 'dist', 'dashboard', 'index.html')))
    throw new Error('dist/ is not built: run `npx rollup -c rollup.config.mjs` (npm test does) before the e2e project');
  const shared: SharedState | undefined = options.shareWith?.shared;
  const dataDir = shared?.dataDir ?? mkdtempSync(join(tmpdir(), 'chatwidget-e2e-'));
  const connection = shared?.connection ?? (await openTestDatabase(fileUrl));
  const env = {
    ...options.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
  };
  const server = await createServer(loadConfig(env), {
    database: serverDatabase(connection),
    model: options.model ?? createOfflineModel({ chunkDelayMs: 15 }),
    rateLimits: GENEROUS_LIMITS,
  });
  const { services, models } = server;
  const adminToken = server.adminToken as string;
  const demoSite = server.demoSite as NonNullable<typeof server.demoSite>;
  const web = await server.listen();

  return {
    /** What a second instance shares with this one (`shareWith`). */
    shared: { dataDir, connection } as SharedState,
    url: web.url,
    adminToken,
    demoSite,
    services,
    models,
    /** An admin API call with the local token. */
    async admin<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
      const res = await fetch(web.url + path, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
      });
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    /**
     * A visitor's turn through the widget API, without a browser (for pages that only need data): a new session and
     * conversation, an optional PNG, one question and its whole answer. Returns the conversation's id.
     */
    async visitorAsks(text: string, image?: Buffer): Promise<string> {
      const call = async <T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> => {
        const headers = new Headers(init.headers);
        headers.set('origin', web.url);
        if (init.token) headers.set('authorization', `Bearer ${init.token}`);
        if (typeof init.body === 'string') headers.set('content-type', 'application/json');
        const res = await fetch(`${web.url}/v1/widget/${path}`, { ...init, headers });
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return (res.headers.get('content-type')?.includes('json') ? res.json() : res.text()) as Promise<T>;
      };
      const body = (value: unknown) => JSON.stringify(value);
      const { visitorToken: token } = await call<{ visitorToken: string }>('sessions', {
        method: 'POST',
        body: body({ siteKey: demoSite.publicKey }),
      });
      const conversation = await call<{ id: string }>('conversations', { method: 'POST', token, body: body({}) });
      const imageIds: string[] = [];
      if (image) {
        const form = new FormData();
        form.append('conversationId', conversation.id);
        form.append('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'photo.png');
        imageIds.push((await call<{ id: string }>('images', { method: 'POST', token, body: form })).id);
      }
      const stream = await call<string>(`conversations/${conversation.id}/messages`, {
        method: 'POST',
        token,
        body: body({ text, imageIds, clientMessageId: randomUUID() }),
      });
      if (!stream.includes('event: done')) throw new Error(`visitorAsks: the answer did not complete:\n${stream}`);
      return conversation.id;
    },
    async close() {
      await server.stop(1000);
      // The first instance owns what they share; close it last.
      if (shared) return;
      await connection.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type E2eServer = Awaited<ReturnType<typeof startE2eServer>>;
