import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AdminConversationDetail } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

export const getConversation = (client: ApiClient, id: string, signal?: AbortSignal): Promise<AdminConversationDetail> =>
  client.get<AdminConversationDetail>(`conversations/${encodeURIComponent(id)}`, { signal });

export const conversationQueryKey = (id: string) => ['conversations', 'detail', id] as const;

export const conversationQueryOptions = (client: ApiClient, id: string) =>
  queryOptions({ queryKey: conversationQueryKey(id), queryFn: ({ signal }) => getConversation(client, id, signal) });

/** One conversation with its full transcript. */
export const useConversation = (id: string) => useQuery(conversationQueryOptions(useApiClient(), id));
