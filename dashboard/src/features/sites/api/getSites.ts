import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Page, Site } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getSites = (client: ApiClient, signal?: AbortSignal) => client.get<Page<Site>>('sites', { signal });

export const sitesQueryKey = ['sites', 'list'] as const;

export const sitesQueryOptions = (client: ApiClient) =>
  queryOptions({ queryKey: sitesQueryKey, queryFn: ({ signal }) => getSites(client, signal), select: (page) => page.items });

/** Every site of the tenant (the API returns them in one page). */
export const useSites = () => useQuery(sitesQueryOptions(useApiClient()));
