import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Me } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getMe = (client: ApiClient, signal?: AbortSignal): Promise<Me> => client.get<Me>('me', { signal });

export const meQueryKey = ['me'] as const;

export const meQueryOptions = (client: ApiClient) =>
  queryOptions({ queryKey: meQueryKey, queryFn: ({ signal }) => getMe(client, signal), staleTime: 5 * 60_000 });

/** Who is signed in, in which tenant, with which role (members read, admins also change sites). */
export const useMe = () => useQuery(meQueryOptions(useApiClient()));
