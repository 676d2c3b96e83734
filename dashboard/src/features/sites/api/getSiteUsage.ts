import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SiteUsage } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getSiteUsage = (client: ApiClient, id: string, signal?: AbortSignal) =>
  client.get<SiteUsage>(`sites/${encodeURIComponent(id)}/usage`, { signal });

export const siteUsageQueryKey = (id: string) => ['sites', 'usage', id] as const;

export const useSiteUsage = (id: string) => {
  const client = useApiClient();
  return useQuery(queryOptions({ queryKey: siteUsageQueryKey(id), queryFn: ({ signal }) => getSiteUsage(client, id, signal) }));
};
