/// <reference types="node" />
import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contract/ApiError.js';
// Brings in the run's `inject('mongoBaseUri')` typing that the server's test helpers rely on.
import type {} from '../../../server/test/globalSetup.js';
import { startTestApp } from '../../../server/test/testApp.js';
import { getMe } from '../features/auth/api/getMe.js';
import { exportConversations } from '../features/conversations/api/exportConversations.js';
import { conversationsQueryOptions, PAGE_SIZE } from '../features/conversations/api/getConversations.js';
import { addSource } from '../features/knowledge/api/addSource.js';
import { getSources } from '../features/knowledge/api/getSources.js';
import { searchKnowledge } from '../features/knowledge/api/searchKnowledge.js';
import { uploadSourceFile } from '../features/knowledge/api/uploadSourceFile.js';
import { createSite } from '../features/sites/api/createSite.js';
import { getSites } from '../features/sites/api/getSites.js';
import { updateSite } from '../features/sites/api/updateSite.js';
import { createWebhook } from '../features/webhooks/api/createWebhook.js';
import { deleteWebhook } from '../features/webhooks/api/deleteWebhook.js';
import { getDeliveries } from '../features/webhooks/api/getDeliveries.js';
import { getWebhooks } from '../features/webhooks/api/getWebhooks.js';
import { sendTestEvent } from '../features/webhooks/api/sendTestEvent.js';
import { updateWebhook } from '../features/webhooks/api/updateWebhook.js';
import { createApiClient } from './apiClient.js';

// The real server (buildApp + admin routes + this file's own database), driven through the dashboard's client.
const app = await startTestApp(import.meta.url);
afterAll(() => app.close());
// Same origin as the app, as when the server serves /dashboard/, so the browser fetch needs no CORS.
(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${app.url}/dashboard/`);
const baseUrl = `${app.url}/v1/admin/`;

describe('API client against the real admin API', () => {
  it('signs in with the local admin token and gets a typed 401 for a wrong one', async () => {
    const client = createApiClient({ baseUrl, getToken: () => app.adminToken });
    await expect(getMe(client)).resolves.toMatchObject({ role: 'admin' });
    const wrong = createApiClient({ baseUrl, getToken: () => 'wrong-token' });
    const error = await getMe(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('creates, lists and edits a site; a contract violation comes back as a 400 ApiError', async () => {
    const client = createApiClient({ baseUrl, getToken: () => app.adminToken });
    const site = await createSite(client, { name: 'Dashboard test', allowedOrigins: ['http://localhost:5173'] });
    expect((await getSites(client)).items.map((s) => s.id)).toContain(site.id);
    const updated = await updateSite(client, site.id, {
      look: { greeting: 'Hello there' },
      faq: [{ question: 'Hours?', answer: '9-5' }],
    });
    expect(updated.look.greeting).toBe('Hello there');
    expect(updated.faq).toEqual([{ question: 'Hours?', answer: '9-5' }]);
    await expect(updateSite(client, site.id, { temperature: 9 })).rejects.toMatchObject({ status: 400 });
  });

  it('pages through real conversations with the cursor', async () => {
    const client = createApiClient({ baseUrl, getToken: () => app.adminToken });
    const site = await app.createSite({ name: 'Paging', allowedOrigins: ['http://localhost:5173'] });
    const visitor = await app.startVisitor(site.publicKey);
    // One more than a page (PAGE_SIZE) so the list spans two pages.
    for (let n = 0; n <= PAGE_SIZE; n++) {
      const conversation = await visitor.newConversation();
      await visitor.send(conversation.id, `Question ${n}`, `c${n}`);
    }
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const observer = new InfiniteQueryObserver(queryClient, conversationsQueryOptions(client, { siteId: site.id }));
    const unsubscribe = observer.subscribe(() => {});
    try {
      await observer.refetch();
      expect(observer.getCurrentResult().hasNextPage).toBe(true);
      await observer.fetchNextPage();
      const result = observer.getCurrentResult();
      expect(result.hasNextPage).toBe(false);
      expect(result.data?.pages.map((p) => p.items.length)).toEqual([PAGE_SIZE, 1]);
      const questions = new Set(result.data?.pages.flatMap((p) => p.items.map((c) => c.firstQuestion)));
      expect(questions.size).toBe(PAGE_SIZE + 1);
      expect(questions.has('Question 0')).toBe(true);
    } finally {
      unsubscribe();
      queryClient.clear();
    }
  });

  it('adds a text source and uploads a file as multipart; both become ready and answer the knowledge search', async () => {
    const client = createApiClient({ baseUrl, getToken: () => app.adminToken });
    const site = await createSite(client, { name: 'Knowledge', allowedOrigins: ['http://localhost:5173'] });
    const text = await addSource(client, site.id, { type: 'text', title: 'Opening hours', text: 'We open at nine on weekdays.' });
    expect(text).toMatchObject({ type: 'text', status: 'queued' });
    const markdown = '# Fern care\n\nWater ferns twice a week and keep them out of direct sun.';
    const file = await uploadSourceFile(client, site.id, {
      file: new Blob([markdown], { type: 'text/markdown' }),
      filename: 'ferns.md',
      title: 'Fern care guide',
    });
    expect(file).toMatchObject({ type: 'file', title: 'Fern care guide', status: 'queued' });
    for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const { items } = await getSources(client, site.id, undefined);
      if (items.length === 2 && items.every((s) => s.status === 'ready')) break;
      if (Date.now() - started > 20_000) throw new Error(`sources not ready: ${JSON.stringify(items)}`);
    }
    const found = await searchKnowledge(client, site.id, { q: 'How often should I water ferns?' });
    expect(found.items[0]).toMatchObject({ sourceId: file.id, title: 'Fern care guide' });
    // A file the server cannot read comes back as its documented 415.
    await expect(
      uploadSourceFile(client, site.id, { file: new Blob([new Uint8Array([0, 1, 2, 3, 255])]), filename: 'blob.bin' }),
    ).rejects.toMatchObject({ status: 415, code: 'unsupported_file_type' });
  });

  it("exports the list's filter as a file through the header token, parsed back to the stored conversations", async () => {
    const client = createApiClient({ baseUrl, getToken: () => app.adminToken });
    const site = await app.createSite({ name: 'Export', allowedOrigins: ['http://localhost:5173'] });
    const visitor = await app.startVisitor(site.publicKey);
    for (const text of ['First question', 'Second question']) {
      const conversation = await visitor.newConversation();
      await visitor.send(conversation.id, text, text.split(' ')[0] ?? 'c');
    }
    const file = await exportConversations(client, { siteId: site.id, q: 'Second' }, 'ndjson');
    expect(file.filename).toMatch(/^conversations-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const lines = (await file.blob.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ siteId: site.id, firstQuestion: 'Second question' });
    expect(lines[0].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    await expect(exportConversations(createApiClient({ baseUrl, getToken: () => 'wrong' }), {}, 'csv')).rejects.toMatchObject({
      status: 401,
    });
  });

  it('manages a webhook: created with its secret once, a test event logged, edited, deleted', async () => {
    const client = createApiClient({ baseUrl, getToken: () => app.adminToken });
    // A loopback receiver: refused (private address) with the default settings, and logged as a failed attempt.
    const made = await createWebhook(client, { url: 'http://127.0.0.1:9/hook', events: ['message.created'] });
    expect(made.secret).toMatch(/^whsec_/);
    const listed = await getWebhooks(client);
    expect(listed.items.map((w) => w.id)).toContain(made.id);
    expect(JSON.stringify(listed)).not.toContain(made.secret);
    await sendTestEvent(client, made.id);
    for (let tries = 0; ; tries++) {
      const log = await getDeliveries(client, made.id, undefined);
      if (log.items.length) {
        expect(log.items[0]).toMatchObject({ eventType: 'webhook.test', outcome: 'failed', error: 'private_address' });
        break;
      }
      if (tries > 400) throw new Error('the test event was never attempted');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const saved = await updateWebhook(client, made.id, { enabled: false, description: 'CRM' });
    expect(saved).toMatchObject({ enabled: false, description: 'CRM', events: ['message.created'] });
    await deleteWebhook(client, made.id);
    expect((await getWebhooks(client)).items.map((w) => w.id)).not.toContain(made.id);
  });
});
