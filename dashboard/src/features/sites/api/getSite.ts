import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Site, SiteWithSecret } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getSite = (client: ApiClient, id: string, signal?: AbortSignal) =>
  client.get<Site>(`sites/${encodeURIComponent(id)}`, { signal });

export const siteQueryKey = (id: string) => ['sites', 'detail', id] as const;

export const siteQueryOptions = (client: ApiClient, id: string) =>
  queryOptions({ queryKey: siteQueryKey(id), queryFn: ({ signal }) => getSite(client, id, signal) });

export const useSite = (id: string) => useQuery(siteQueryOptions(useApiClient(), id));

/** What the query cache keeps of a create/update answer: never the identity secret (shown once, then gone). */
export const withoutSecret = ({ identitySecret: _secret, ...site }: SiteWithSecret): Site => site;
