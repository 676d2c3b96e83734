import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { Page, Source } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const SOURCES_PAGE_SIZE = 50;
/** How often the list is read again while a sync runs (the admin event stream carries no knowledge events). */
export const SYNC_POLL_MS = 1500;

export const getSources = (client: ApiClient, siteId: string, cursor: string | undefined, signal?: AbortSignal) =>
  client.get<Page<Source>>(`sites/${encodeURIComponent(siteId)}/sources`, {
    query: { limit: SOURCES_PAGE_SIZE, cursor },
    signal,
  });

/** Every knowledge query of a site (its sources, their details) starts with this key. */
export const knowledgeKey = (siteId: string) => ['knowledge', siteId] as const;
export const sourcesQueryKey = (siteId: string) => [...knowledgeKey(siteId), 'sources'] as const;

export const isSyncing = (source: Source): boolean => source.status === 'queued' || source.status === 'processing';

export const sourcesQueryOptions = (client: ApiClient, siteId: string) =>
  infiniteQueryOptions({
    queryKey: sourcesQueryKey(siteId),
    queryFn: ({ pageParam, signal }) => getSources(client, siteId, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Polls only while some source is queued or processing, so an idle page costs nothing.
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.items.some(isSyncing)) ? SYNC_POLL_MS : false),
  });

/** A site's sources, newest first, kept current while their syncs run. */
export const useSources = (siteId: string) => useInfiniteQuery(sourcesQueryOptions(useApiClient(), siteId));
