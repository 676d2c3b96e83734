import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AuthConfig } from '../../../../../contract/index.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getAuthConfig = (client: ApiClient, signal?: AbortSignal): Promise<AuthConfig> =>
  client.get<AuthConfig>('auth/config', { signal });

export const authConfigQueryOptions = (client: ApiClient) =>
  queryOptions({
    queryKey: ['auth', 'config'] as const,
    queryFn: ({ signal }) => getAuthConfig(client, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });

/** How to sign in; asked before any token exists, so it takes the anonymous client. */
export const useAuthConfig = (client: ApiClient) => useQuery(authConfigQueryOptions(client));
