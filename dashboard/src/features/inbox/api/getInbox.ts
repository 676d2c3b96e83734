import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AdminConversation, Page } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

/** The conversations a person is asked for or holds (the inbox shows at most this many of each). */
const INBOX_LIMIT = 100;

export async function getInbox(client: ApiClient, signal?: AbortSignal): Promise<AdminConversation[]> {
  const pages = await Promise.all(
    (['waiting', 'human'] as const).map((mode) =>
      client.get<Page<AdminConversation>>('conversations', { query: { mode, limit: INBOX_LIMIT }, signal }),
    ),
  );
  return pages.flatMap((page) => page.items);
}

export const inboxQueryKey = ['inbox'] as const;
export const inboxQueryOptions = (client: ApiClient) =>
  queryOptions({ queryKey: inboxQueryKey, queryFn: ({ signal }) => getInbox(client, signal) });

/** The inbox, kept live by the event stream (`useInboxEvents`). */
export const useInbox = () => useQuery(inboxQueryOptions(useApiClient()));

/**
 * The inbox's order: visitors waiting for a person first (the longest wait on top), then the conversations the agent
 * `me` holds, then the ones other agents hold (latest activity first).
 */
export function sortInbox(items: AdminConversation[], me: string | null): AdminConversation[] {
  const rank = (c: AdminConversation) => (c.mode === 'waiting' ? 0 : c.assignee?.id === me ? 1 : 2);
  const time = (c: AdminConversation) =>
    c.mode === 'waiting' ? Date.parse(c.waitingSince ?? c.lastMessageAt) : -Date.parse(c.lastMessageAt);
  return items.filter((c) => c.mode === 'waiting' || c.mode === 'human').sort((a, b) => rank(a) - rank(b) || time(a) - time(b));
}
