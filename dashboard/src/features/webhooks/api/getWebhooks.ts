import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Page, Webhook } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getWebhooks = (client: ApiClient, signal?: AbortSignal) => client.get<Page<Webhook>>('webhooks', { signal });

/** Every webhook query (the list, each endpoint's delivery log) starts with this key. */
export const webhooksKey = ['webhooks'] as const;

export const webhooksQueryOptions = (client: ApiClient) =>
  queryOptions({ queryKey: [...webhooksKey, 'list'], queryFn: ({ signal }) => getWebhooks(client, signal) });

/** The organization's endpoints (at most 20: one page). */
export const useWebhooks = (enabled: boolean) => useQuery({ ...webhooksQueryOptions(useApiClient()), enabled });
