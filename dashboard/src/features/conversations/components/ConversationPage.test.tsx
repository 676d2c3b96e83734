import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../../../contract/index.js';
import { conversation, message as storedMessage } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const lead = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  capturedAt: '2026-01-01T00:05:00.000Z',
  updatedAt: '2026-01-02T00:05:00.000Z',
};
const detail = { ...conversation(1), lead };
const message = (n: number): Message =>
  storedMessage({
    id: n.toString(16).padStart(24, '0'),
    conversationId: detail.id,
    role: n % 2 ? 'assistant' : 'user',
    text: `Message number ${n}`,
    clientMessageId: `c${n}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  });
// Five messages: the detail has the latest two, then pages of two and one going back.
const pages: Record<string, { items: Message[]; nextCursor: string | null }> = {
  older: { items: [message(2), message(3)], nextCursor: 'oldest' },
  oldest: { items: [message(1)], nextCursor: null },
};

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ path, query }) => {
    const signedIn = signedInAnswer(path);
    if (signedIn) return signedIn;
    if (path === `/v1/admin/conversations/${detail.id}`)
      return { status: 200, body: { ...detail, messages: [message(4), message(5)], messagesCursor: 'older' } };
    const page = pages[query.get('cursor') ?? ''];
    if (path === `/v1/admin/conversations/${detail.id}/messages` && page) return { status: 200, body: page };
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => app?.unmount());

const { $, $$, button } = pageQueries(() => app?.container);
const transcript = () => $$('ol.transcript > li').map((li) => li.textContent ?? '');
const loadEarlier = () => button('Load earlier messages');

describe('Conversation page', () => {
  it('shows the latest messages, and loads earlier pages on demand, oldest first', async () => {
    app = renderAppAt(api.baseUrl, `/dashboard/conversations/${detail.id}`);
    await waitFor(() => transcript().length === 2);
    expect(api.requests.some((r) => r.path.endsWith('/messages'))).toBe(false);

    loadEarlier()?.click();
    await waitFor(() => transcript().length === 4);
    loadEarlier()?.click();
    await waitFor(() => transcript().length === 5);
    const order = transcript().map((text) => Number(/Message number (\d)/.exec(text)?.[1]));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    // The lead the visitor left, with when it was left and last changed.
    const details = $('dl.details')?.textContent ?? '';
    expect(details).toContain('LeadAda Lovelace · ada@example.com');
    expect(details).toMatch(/left .+, changed /);
    expect(loadEarlier()).toBeNull();
    expect(api.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.query.get('limit'))).toEqual(['50', '50']);
  });
});
