import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdminConversation, Page } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { conversationQueryKey } from './getConversation.js';
import { conversationListsKey } from './getConversations.js';

export const deleteConversation = (client: ApiClient, id: string): Promise<void> =>
  client.delete(`conversations/${encodeURIComponent(id)}`);

/**
 * Deletes a conversation. It leaves every cached list page at once (no flash of a dead row), then the
 * lists, the image gallery (its images lose their conversation) and the stats are refetched.
 */
export function useDeleteConversation() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteConversation(client, id),
    onSuccess: async (_data, id) => {
      queryClient.removeQueries({ queryKey: conversationQueryKey(id), exact: true });
      queryClient.setQueriesData<InfiniteData<Page<AdminConversation>>>({ queryKey: conversationListsKey }, (data) =>
        data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((c) => c.id !== id) })) } : data,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: conversationListsKey }),
        queryClient.invalidateQueries({ queryKey: ['images'] }),
        queryClient.invalidateQueries({ queryKey: ['stats'] }),
      ]);
    },
  });
}
