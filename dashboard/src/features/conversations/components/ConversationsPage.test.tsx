import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { navigate } from '../../../lib/router/history.js';
import { conversation, SITE_ID } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

// Thirty conversations, 25 per page (the page size the client asks for).
const ALL = Array.from({ length: 30 }, (_, n) => conversation(n));
let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ path, query }) => {
    const signedIn = signedInAnswer(path);
    if (signedIn) return signedIn;
    if (path === '/v1/admin/conversations') {
      const start = Number(query.get('cursor') ?? 0);
      const limit = Number(query.get('limit'));
      const next = start + limit < ALL.length ? String(start + limit) : null;
      return { status: 200, body: { items: ALL.slice(start, start + limit), nextCursor: next } };
    }
    if (path === '/v1/admin/exports/conversations') {
      if (query.get('q') === 'broken') return { status: 503, body: errorBody('database_unavailable', 'Try again soon') };
      const format = query.get('format') ?? 'csv';
      return {
        status: 200,
        raw: EXPORTED,
        headers: {
          'content-type': 'text/csv',
          'content-disposition': `attachment; filename="conversations-2026-12-02.${format}"`,
        },
      };
    }
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
const EXPORTED = 'conversation_id,text\r\nc1,hello\r\n';
afterAll(() => api.close());
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => app?.unmount());

const listRequests = () =>
  api.requests.filter((r) => r.path === '/v1/admin/conversations').map((r) => Object.fromEntries(r.query));
const { $, $$, text, button } = pageQueries(() => app?.container);
const rows = () => $$('ul[aria-label="Conversations"] > li').length;

describe('Conversations page', () => {
  it('reads filters from the URL, writes changes back, and pages with the cursor', async () => {
    app = renderAppAt(api.baseUrl, `/dashboard/conversations?rating=down&site=${SITE_ID}`);
    await waitFor(() => rows() === 25);
    expect(listRequests().at(-1)).toMatchObject({ rating: 'down', siteId: SITE_ID, limit: '25' });
    expect(text()).toContain('Question number 0?');

    // A select change goes to the URL (shareable) and becomes a new query.
    const images = $<HTMLSelectElement>('#filter-images');
    if (!images) throw new Error('no images filter');
    changeValue(images, 'yes');
    await waitFor(() => listRequests().at(-1)?.hasImages === 'true');
    expect(location.search).toBe(`?site=${SITE_ID}&images=yes&rating=down`);

    // Search is debounced: typing fast sends one request for the final text.
    const search = $<HTMLInputElement>('#filter-q');
    if (!search) throw new Error('no search field');
    const before = listRequests().length;
    for (const text of ['r', 're', 'ref', 'refund']) changeValue(search, text);
    await waitFor(() => listRequests().at(-1)?.q === 'refund');
    expect(listRequests().length).toBe(before + 1);
    expect(new URLSearchParams(location.search).get('q')).toBe('refund');

    // The next page uses the cursor from the last one.
    await waitFor(() => rows() === 25);
    button('Load more')?.click();
    await waitFor(() => rows() === 30);
    expect(listRequests().at(-1)).toMatchObject({ cursor: '25', q: 'refund' });
    expect(button('Load more')).toBeNull();

    // Clear filters empties the URL query and asks for everything.
    button('Clear filters')?.click();
    await waitFor(() => location.search === '');
    await waitFor(
      () =>
        Object.keys(listRequests().at(-1) ?? {})
          .sort()
          .join() === 'limit',
    );
  });
});

describe('Export', () => {
  it('downloads the current filter in the chosen format with the token in the header, and shows a refusal', async () => {
    app = renderAppAt(api.baseUrl, `/dashboard/conversations?rating=down&site=${SITE_ID}&images=yes`);
    await waitFor(() => rows() === 25);
    const saved: { name: string; href: string }[] = [];
    const onClick = (event: MouseEvent) => {
      const link = event.target as HTMLAnchorElement;
      if (link.download) {
        event.preventDefault();
        saved.push({ name: link.download, href: link.href });
      }
    };
    document.addEventListener('click', onClick);
    try {
      const format = $<HTMLSelectElement>('#export-format');
      if (!format) throw new Error('no format select');
      changeValue(format, 'ndjson');
      button('Export')?.click();
      await waitFor(() => saved.length === 1);
      const request = api.requests.filter((r) => r.path === '/v1/admin/exports/conversations').at(-1);
      expect(Object.fromEntries(request?.query ?? [])).toEqual({
        siteId: SITE_ID,
        hasImages: 'true',
        rating: 'down',
        format: 'ndjson',
      });
      expect(request?.authorization).toBe('Bearer admin');
      expect(saved[0]?.name).toBe('conversations-2026-12-02.ndjson');
      expect(saved[0]?.href.startsWith('blob:')).toBe(true);
      expect(saved[0]?.href).not.toContain('admin');
      await waitFor(() => text().includes('Saved conversations-2026-12-02.ndjson.'));

      // A refusal is shown with the server's message; nothing is saved.
      navigate('/conversations?q=broken');
      await waitFor(() => listRequests().at(-1)?.q === 'broken');
      button('Export')?.click();
      await waitFor(() => $('[role="alert"]')?.textContent?.includes('Try again soon') ?? false);
      expect(saved.length).toBe(1);
    } finally {
      document.removeEventListener('click', onClick);
    }
  });
});
