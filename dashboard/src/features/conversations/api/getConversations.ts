import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { AdminConversation, Page } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { type ConversationFilters, normalizeConversationFilters } from './conversationFilters.js';

export const PAGE_SIZE = 25;

/** The filters as the admin API's conversation query (the list's and the export's: one mapping). */
export function conversationQuery(filters: ConversationFilters) {
  return {
    siteId: filters.siteId,
    q: filters.q,
    from: filters.from,
    to: filters.to,
    hasImages: filters.hasImages === undefined ? undefined : String(filters.hasImages),
    rating: filters.rating,
    hasLead: filters.hasLead === undefined ? undefined : String(filters.hasLead),
  };
}

export function getConversations(
  client: ApiClient,
  filters: ConversationFilters,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<Page<AdminConversation>> {
  return client.get<Page<AdminConversation>>('conversations', {
    query: { ...conversationQuery(filters), limit: PAGE_SIZE, cursor },
    signal,
  });
}

export const conversationListsKey = ['conversations', 'list'] as const;

export const conversationsQueryKey = (filters: ConversationFilters) =>
  [...conversationListsKey, normalizeConversationFilters(filters)] as const;

export const conversationsQueryOptions = (client: ApiClient, filters: ConversationFilters) =>
  infiniteQueryOptions({
    queryKey: conversationsQueryKey(filters),
    queryFn: ({ pageParam, signal }) => getConversations(client, normalizeConversationFilters(filters), pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** Conversations matching the filters, newest activity first, one cursor page at a time. */
export const useConversations = (filters: ConversationFilters) =>
  useInfiniteQuery(conversationsQueryOptions(useApiClient(), filters));
