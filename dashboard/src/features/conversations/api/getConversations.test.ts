import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminConversation, page } from '../../../../../contract/index.js';
import { createApiClient } from '../../../lib/apiClient.js';
import { conversation } from '../../../test/contractFixtures.js';
import { startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { conversationsQueryOptions, PAGE_SIZE } from './getConversations.js';

// Seven conversations served three per page; the cursor is the index of the next item.
const ALL = Array.from({ length: 7 }, (_, n) => conversation(n));
const PER_PAGE = 3;
let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ path, query }) => {
    if (path !== '/v1/admin/conversations') return { status: 404, body: { error: { code: 'not_found', message: 'x' } } };
    const start = Number(query.get('cursor')?.replace('c', '') ?? 0);
    const items = ALL.slice(start, start + PER_PAGE);
    const next = start + PER_PAGE < ALL.length ? `c${start + PER_PAGE}` : null;
    // The fake answers exactly what the contract allows.
    return { status: 200, body: page(AdminConversation).parse({ items, nextCursor: next }) };
  });
});
afterAll(() => api.close());

describe('conversations infinite query', () => {
  it('walks the cursors page by page and stops at nextCursor null', async () => {
    const client = createApiClient({ baseUrl: api.baseUrl, getToken: () => 'admin' });
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const observer = new InfiniteQueryObserver(queryClient, conversationsQueryOptions(client, { rating: 'up', q: 'refund' }));
    const unsubscribe = observer.subscribe(() => {});
    try {
      await observer.refetch();
      let result = observer.getCurrentResult();
      expect(result.data?.pages.flatMap((p) => p.items.map((c) => c.id))).toEqual(ALL.slice(0, 3).map((c) => c.id));
      expect(result.hasNextPage).toBe(true);
      await observer.fetchNextPage();
      result = await observer.fetchNextPage();
      expect(result.data?.pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
      expect(result.data?.pages.flatMap((p) => p.items.map((c) => c.id))).toEqual(ALL.map((c) => c.id));
      expect(result.hasNextPage).toBe(false);

      const sent = api.requests.map((r) => Object.fromEntries(r.query));
      expect(sent.map((q) => q.cursor)).toEqual([undefined, 'c3', 'c6']);
      for (const q of sent) expect(q).toMatchObject({ rating: 'up', q: 'refund', limit: String(PAGE_SIZE) });
      expect(api.requests.every((r) => r.authorization === 'Bearer admin')).toBe(true);
    } finally {
      unsubscribe();
      queryClient.clear();
    }
  });
});
