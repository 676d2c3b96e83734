import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Page, RemovalRecord } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getRemovals = (client: ApiClient, siteId: string, signal?: AbortSignal) =>
  client.get<Page<RemovalRecord>>(`sites/${encodeURIComponent(siteId)}/removals`, { query: { limit: 10 }, signal });

export const removalsQueryKey = (siteId: string) => ['sites', 'removals', siteId] as const;

/** The site's latest erasure receipts and retention runs. */
export const useRemovals = (siteId: string) => {
  const client = useApiClient();
  return useQuery(
    queryOptions({ queryKey: removalsQueryKey(siteId), queryFn: ({ signal }) => getRemovals(client, siteId, signal) }),
  );
};
