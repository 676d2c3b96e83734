import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { Page, UnansweredGroup } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { knowledgeKey } from './getSources.js';

export const UNANSWERED_PAGE_SIZE = 20;

export const getUnanswered = (
  client: ApiClient,
  siteId: string,
  days: number,
  cursor: string | undefined,
  signal?: AbortSignal,
) =>
  client.get<Page<UnansweredGroup>>(`sites/${encodeURIComponent(siteId)}/unanswered`, {
    query: { days, limit: UNANSWERED_PAGE_SIZE, cursor },
    signal,
  });

export const unansweredKey = (siteId: string) => [...knowledgeKey(siteId), 'unanswered'] as const;

export const unansweredQueryOptions = (client: ApiClient, siteId: string, days: number) =>
  infiniteQueryOptions({
    queryKey: [...unansweredKey(siteId), days],
    queryFn: ({ pageParam, signal }) => getUnanswered(client, siteId, days, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** A site's unanswered questions of the last `days`, grouped, most asked first. */
export const useUnanswered = (siteId: string, days: number) =>
  useInfiniteQuery(unansweredQueryOptions(useApiClient(), siteId, days));
