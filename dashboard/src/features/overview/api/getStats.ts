import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Stats } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export interface StatsParams {
  siteId?: string;
  days: number;
}

export const getStats = (client: ApiClient, params: StatsParams, signal?: AbortSignal) =>
  client.get<Stats>('stats', { query: { siteId: params.siteId, days: params.days }, signal });

export const statsQueryKey = (params: StatsParams) => ['stats', { siteId: params.siteId ?? null, days: params.days }] as const;

export const statsQueryOptions = (client: ApiClient, params: StatsParams) =>
  queryOptions({ queryKey: statsQueryKey(params), queryFn: ({ signal }) => getStats(client, params, signal) });

/** Daily counts and rating totals for the overview charts. */
export const useStats = (params: StatsParams) => useQuery(statsQueryOptions(useApiClient(), params));
