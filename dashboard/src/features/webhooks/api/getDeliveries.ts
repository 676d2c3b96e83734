import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { Page, WebhookDelivery } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { webhooksKey } from './getWebhooks.js';

export const DELIVERIES_PAGE_SIZE = 20;
/** How often an open log is read again while a test event is on its way. */
export const DELIVERY_POLL_MS = 1500;

export const getDeliveries = (client: ApiClient, id: string, cursor: string | undefined, signal?: AbortSignal) =>
  client.get<Page<WebhookDelivery>>(`webhooks/${encodeURIComponent(id)}/deliveries`, {
    query: { limit: DELIVERIES_PAGE_SIZE, cursor },
    signal,
  });

export const deliveriesKey = (id: string) => [...webhooksKey, 'deliveries', id] as const;

export const deliveriesQueryOptions = (client: ApiClient, id: string, poll: boolean) =>
  infiniteQueryOptions({
    queryKey: deliveriesKey(id),
    queryFn: ({ pageParam, signal }) => getDeliveries(client, id, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: poll ? DELIVERY_POLL_MS : false,
  });

/** An endpoint's delivery log, newest attempt first; `poll` while a test event is expected. */
export const useDeliveries = (id: string, poll: boolean) => useInfiniteQuery(deliveriesQueryOptions(useApiClient(), id, poll));
