import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { Message, Page } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { conversationQueryKey } from './getConversation.js';

export const MESSAGES_PAGE_SIZE = 50;

export const getConversationMessages = (client: ApiClient, id: string, cursor: string, signal?: AbortSignal) =>
  client.get<Page<Message>>(`conversations/${encodeURIComponent(id)}/messages`, {
    query: { limit: MESSAGES_PAGE_SIZE, cursor },
    signal,
  });

/** Pages before the detail's latest messages, from its `messagesCursor`; fetched only when asked for. */
export const earlierMessagesQueryOptions = (client: ApiClient, id: string, cursor: string | null) =>
  infiniteQueryOptions({
    queryKey: [...conversationQueryKey(id), 'earlier', cursor] as const,
    queryFn: ({ pageParam, signal }) => getConversationMessages(client, id, pageParam as string, signal),
    initialPageParam: cursor ?? '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: false,
  });

export const useEarlierMessages = (id: string, cursor: string | null) =>
  useInfiniteQuery(earlierMessagesQueryOptions(useApiClient(), id, cursor));
