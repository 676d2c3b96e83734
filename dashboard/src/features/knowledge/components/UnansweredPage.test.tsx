import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UnansweredGroup } from '../../../../../contract/index.js';
import { SourceCreate, UnansweredDismiss } from '../../../../../contract/index.js';
import { SITE_ID, source } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
const hex = (n: number) => n.toString(16).padStart(24, '0');
const group = (n: number, overrides: Partial<UnansweredGroup> = {}): UnansweredGroup => ({
  id: hex(0x100 + n * 10),
  siteId: SITE_ID,
  question: `Question ${n}?`,
  count: 1,
  notGrounded: 1,
  thumbsDown: 0,
  examples: [
    {
      conversationId: hex(0x200 + n),
      question: `Question ${n}?`,
      answer: 'Nothing in this site’s knowledge matches your question.',
      reasons: ['not_grounded'],
      askedAt: '2026-12-01T10:00:00.000Z',
    },
  ],
  answerIds: [hex(0x100 + n * 10)],
  firstSeenAt: '2026-12-01T10:00:00.000Z',
  lastSeenAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

let role: 'admin' | 'member' = 'admin';
let groups: UnansweredGroup[] = [];
let failSource = false;

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ method, path, query, body }) => {
    const signedIn = signedInAnswer(path, role);
    if (signedIn) return signedIn;
    const base = `/v1/admin/sites/${SITE_ID}`;
    const forbidden = { status: 403, body: errorBody('forbidden', 'Only organization admins can do this') };
    if (path === `${base}/unanswered` && method === 'GET') {
      const start = Number(query.get('cursor') ?? 0);
      const limit = Number(query.get('limit'));
      const next = start + limit < groups.length ? String(start + limit) : null;
      return { status: 200, body: { items: groups.slice(start, start + limit), nextCursor: next } };
    }
    if (path === `${base}/unanswered/dismiss` && method === 'POST') {
      if (role !== 'admin') return forbidden;
      const parsed = UnansweredDismiss.safeParse(body);
      if (!parsed.success) return { status: 400, body: errorBody('invalid_request', 'Invalid body') };
      const before = groups.length;
      groups = groups.filter((g) => !g.answerIds.some((id) => parsed.data.answerIds.includes(id)));
      return { status: 200, body: { dismissed: before - groups.length } };
    }
    if (path === `${base}/sources` && method === 'POST') {
      if (role !== 'admin') return forbidden;
      if (failSource) return { status: 413, body: errorBody('knowledge_limit_reached', 'Your organization has 100 sources') };
      const parsed = SourceCreate.safeParse(body);
      if (!parsed.success || parsed.data.type !== 'text')
        return { status: 400, body: errorBody('invalid_request', 'Invalid body') };
      return { status: 202, body: source(9, { type: 'text', title: parsed.data.title, url: null, status: 'queued' }) };
    }
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());
beforeEach(() => {
  role = 'admin';
  failSource = false;
  groups = [
    group(1, {
      question: `Do you ship to Canada? ${XSS}`,
      count: 3,
      notGrounded: 2,
      thumbsDown: 1,
      answerIds: [hex(0x110), hex(0x111), hex(0x112)],
      examples: [
        {
          conversationId: hex(0x201),
          question: `Do you ship to Canada? ${XSS}`,
          answer: `Nothing matches. ${XSS}`,
          reasons: ['not_grounded'],
          askedAt: '2026-12-01T10:00:00.000Z',
        },
        {
          conversationId: hex(0x202),
          question: 'Can you ship my order to Canada?',
          answer: 'We ship to the EU.',
          reasons: ['thumbs_down'],
          askedAt: '2026-11-30T10:00:00.000Z',
        },
      ],
    }),
    group(2, { question: 'What are your opening hours?' }),
  ];
});
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => {
  app?.unmount();
  api.requests.length = 0;
});

const { $, $$, text, button, liveRegion } = pageQueries(() => app?.container);
const rows = () => $$('ul[aria-labelledby="unanswered-list-title"] > li');
const writes = () => api.requests.filter((r) => r.method !== 'GET');
const open = async (path = `/dashboard/unanswered/${SITE_ID}`) => {
  app = renderAppAt(api.baseUrl, path);
  await waitFor(() => rows().length > 0 || text().includes('No unanswered questions'), 5000);
};

describe('Unanswered questions page', () => {
  it('opens on the first site from the navigation and lists the groups with counts, reasons and examples, as text', async () => {
    await open('/dashboard/unanswered');
    await waitFor(() => location.pathname === `/dashboard/unanswered/${SITE_ID}`);
    expect(document.title).toBe('Unanswered questions · Chat widget dashboard');
    expect($('nav a[aria-current="page"]')?.textContent).toBe('Unanswered');
    expect(rows()).toHaveLength(2);
    const first = rows()[0]?.textContent ?? '';
    expect(first).toContain('Asked 3 times');
    expect(first).toContain('2 not answered from the knowledge');
    expect(first).toContain('1 rated down');
    expect(first).toContain('Can you ship my order to Canada?');
    expect(first).toContain('Answer given: We ship to the EU.');
    // Visitors' words and the model's are text, never markup.
    expect(first).toContain(XSS);
    expect($('img')).toBeNull();
    const link = rows()[0]?.querySelector<HTMLAnchorElement>('details a');
    expect(link?.getAttribute('href')).toBe(`/dashboard/conversations/${hex(0x201)}`);
    expect(rows()[1]?.textContent).toContain('Asked once');
    // The period is a query parameter.
    changeValue($<HTMLSelectElement>('#unanswered-days') as HTMLSelectElement, '90');
    await waitFor(() => api.requests.some((r) => r.path.endsWith('/unanswered') && r.query.get('days') === '90'));
    expect(api.requests.find((r) => r.path.endsWith('/unanswered'))?.query.get('days')).toBe('30');
  });

  it('"Add answer" checks the text, adds it as a text source titled with the question, then dismisses the group', async () => {
    await open();
    button('Add answer', rows()[1])?.click();
    const form = await waitFor(() => $<HTMLFormElement>('form.add-answer') as HTMLFormElement);
    expect((form.querySelector('input') as HTMLInputElement).value).toBe('What are your opening hours?');
    form.requestSubmit();
    await waitFor(() => form.querySelector('[role="alert"]'));
    expect(form.textContent).toMatch(/Text: /);
    expect(writes()).toEqual([]);

    changeValue(form.querySelector('textarea') as HTMLTextAreaElement, 'We open from 9 to 17, Monday to Saturday.');
    form.requestSubmit();
    await waitFor(() => rows().length === 1);
    expect(writes().map((w) => [w.method, w.path, w.body])).toEqual([
      [
        'POST',
        `/v1/admin/sites/${SITE_ID}/sources`,
        { type: 'text', title: 'What are your opening hours?', text: 'We open from 9 to 17, Monday to Saturday.' },
      ],
      ['POST', `/v1/admin/sites/${SITE_ID}/unanswered/dismiss`, { answerIds: [group(2).id] }],
    ]);
    await waitFor(() => liveRegion().includes('The answer “What are your opening hours?” was added'));
  });

  it("shows the server's refusal of the answer and keeps the group", async () => {
    failSource = true;
    await open();
    button('Add answer', rows()[1])?.click();
    const form = await waitFor(() => $<HTMLFormElement>('form.add-answer') as HTMLFormElement);
    changeValue(form.querySelector('textarea') as HTMLTextAreaElement, 'Nine to five.');
    form.requestSubmit();
    await waitFor(() => form.textContent?.includes('Your organization has 100 sources'));
    expect(rows()).toHaveLength(2);
    expect(writes().map((w) => w.path)).toEqual([`/v1/admin/sites/${SITE_ID}/sources`]);
  });

  it('dismisses a group after confirming; Cancel keeps it', async () => {
    await open();
    button('Dismiss', rows()[0])?.click();
    await waitFor(() => button('Cancel') === document.activeElement);
    button('Cancel')?.click();
    await waitFor(() => button('Dismiss', rows()[0]));
    button('Dismiss', rows()[0])?.click();
    (await waitFor(() => button('Yes, dismiss')))?.click();
    await waitFor(() => rows().length === 1);
    expect(writes().map((w) => w.body)).toEqual([{ answerIds: [hex(0x110), hex(0x111), hex(0x112)] }]);
    await waitFor(() => liveRegion().includes('was dismissed'));
  });

  it('members read the list without the actions; an empty period says so', async () => {
    role = 'member';
    await open();
    await waitFor(() => text().includes('Only organization admins can add answers'));
    expect(button('Add answer')).toBeNull();
    expect(button('Dismiss')).toBeNull();
    app?.unmount();
    groups = [];
    await open();
    expect(text()).toContain('No unanswered questions');
  });
});
