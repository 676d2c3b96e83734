import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdminConversation, Message } from '../../../../../contract/index.js';
import { conversation, me, site, message as storedMessage } from '../../../test/contractFixtures.js';
import { errorBody, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

// Local mode: the admin has no user id, only its agent id (which conversations are assigned to).
const ME = { id: 'local-admin', name: 'Ada' };
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const waiting = (n: number, minutesAgo: number): AdminConversation => ({
  ...conversation(n),
  mode: 'waiting',
  waitingSince: at(minutesAgo),
  unread: 1,
  email: n === 1 ? 'visitor@example.com' : null,
});
const held = (n: number, assignee: { id: string; name: string }): AdminConversation => ({
  ...conversation(n),
  mode: 'human',
  assignee,
});
const message = (conversationId: string, n: number, partial: Partial<Message>): Message =>
  storedMessage({
    id: `m${n}`.padStart(24, '0'),
    conversationId,
    text: `text ${n}`,
    createdAt: at(0),
    updatedAt: at(0),
    ...partial,
  });

const views = new Map<string, AdminConversation>();
let profile = me({ agent: ME, displayName: ME.name });
let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  for (const c of [held(2, { id: 'agent-2', name: 'Bob' }), waiting(1, 2), held(3, ME), waiting(4, 5)]) views.set(c.id, c);
  api = await startFakeAdminApi(({ method, path, query, body }) => {
    if (path === '/v1/admin/auth/config') return { status: 200, body: { mode: 'local', clerkPublishableKey: null } };
    if (path === '/v1/admin/me' && method === 'PATCH') {
      const { displayName } = body as { displayName: string | null };
      profile = me({ agent: { ...ME, name: displayName ?? 'Support' }, displayName });
      return { status: 200, body: profile };
    }
    if (path === '/v1/admin/me') return { status: 200, body: profile };
    if (path === '/v1/admin/sites') return { status: 200, body: { items: [site()], nextCursor: null } };
    if (path === '/v1/admin/events') return { status: 200, eventStream: true };
    if (path === '/v1/admin/conversations') {
      const items = [...views.values()].filter((c) => c.mode === query.get('mode'));
      return { status: 200, body: { items, nextCursor: null } };
    }
    const match = path.match(/^\/v1\/admin\/conversations\/(\w+)(?:\/(\w+))?$/);
    const view = match && views.get(match[1]!);
    if (view && method === 'GET') {
      const messages = [message(view.id, 1, { text: 'I need a person' })];
      return { status: 200, body: { ...view, messages } };
    }
    if (view && match[2] === 'takeover') {
      const next = { ...view, mode: 'human' as const, assignee: ME, waitingSince: null, unread: 0 };
      views.set(view.id, next);
      return { status: 200, body: next };
    }
    if (view && match[2] === 'messages' && method === 'POST') {
      const text = (body as { text: string }).text;
      return { status: 201, body: message(view.id, 2, { role: 'agent', author: ME, text }) };
    }
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => app?.unmount());

const { $, $$, text, button } = pageQueries(() => app?.container);
const rows = () => $$('ul[aria-label="Conversations with a person"] > li').map((li) => li.textContent ?? '');
const transcript = () => $('ol[aria-label="Transcript"]')?.textContent ?? '';

describe('Inbox', () => {
  it('lists waiting visitors first, then mine, then others; stays live; takes over and replies', async () => {
    app = renderAppAt(api.baseUrl, '/dashboard/inbox');
    await waitFor(() => rows().length === 4);
    expect(rows().map((r) => r.match(/Question number (\d)/)?.[1])).toEqual(['4', '1', '3', '2']);
    expect(rows()[1]).toContain('visitor@example.com');
    expect(rows()[1]).toContain('1 unread');
    expect(rows()[2]).toContain('With you');
    expect(rows()[3]).toContain('With Bob');
    expect($('nav a[aria-current="page"]')?.textContent).toBe('Inbox');

    // A new waiting visitor (the longest wait) arrives through the event stream, without a reload.
    await waitFor(() => api.openStreams() === 1);
    // Stored first, as the server stores it before publishing: a list read racing the event finds it too.
    const arrived = waiting(5, 9);
    views.set(arrived.id, arrived);
    api.send('conversation', arrived);
    await waitFor(() => rows().length === 5 && rows()[0]!.includes('Question number 5?'));

    // Open a waiting conversation, take it over and answer.
    const first = views.get(conversation(1).id)!;
    $<HTMLAnchorElement>(`a[href$="/inbox/${first.id}"]`)!.click();
    await waitFor(() => transcript().includes('I need a person'));
    expect(text()).toContain('Waiting for a person');
    button('Take over')!.click();
    await waitFor(() => !button('Take over'));
    expect(text()).toContain('With a person');
    const box = (await waitFor(() => $<HTMLTextAreaElement>('#inbox-reply-text')))!;
    changeValue(box, 'Hello, I am Ada');
    await waitFor(() => !button('Send reply')!.hasAttribute('disabled'));
    button('Send reply')!.click();
    await waitFor(() => transcript().includes('Hello, I am Ada'));
    expect(transcript()).toContain('Ada');
    expect(transcript()).toContain('Agent');
    const sent = api.requests.find((r) => r.path.endsWith('/messages') && r.method === 'POST');
    expect(sent?.body).toEqual({ text: 'Hello, I am Ada' });

    // The visitor's next message arrives live; after a dropped stream, it resumes after the last event.
    api.send('message', { conversationId: first.id, message: message(first.id, 3, { text: 'Thanks!' }) });
    await waitFor(() => transcript().includes('Thanks!'));
    api.dropStreams();
    await waitFor(() => api.openStreams() === 1);
    expect(api.requests.filter((r) => r.path === '/v1/admin/events').at(-1)?.lastEventId).toBe('2');
    api.send('message', { conversationId: first.id, message: message(first.id, 4, { text: 'Still there?' }) });
    await waitFor(() => transcript().includes('Still there?'));
    expect(transcript().match(/Thanks!/g)).toHaveLength(1);
  });

  it('lets the agent set the name visitors see on their replies', async () => {
    app = renderAppAt(api.baseUrl, '/dashboard/inbox');
    const field = (await waitFor(() => $<HTMLInputElement>('#agent-name')))!;
    await waitFor(() => field.value === 'Ada');
    expect(text()).toContain('Visitors see your replies as “Ada”.');
    changeValue(field, 'Ada L.');
    await waitFor(() => !button('Save name')!.hasAttribute('disabled'));
    button('Save name')!.click();
    await waitFor(() => text().includes('Visitors see your replies as “Ada L.”.'));
    expect(api.requests.find((r) => r.path === '/v1/admin/me' && r.method === 'PATCH')?.body).toEqual({
      displayName: 'Ada L.',
    });
  });
});
