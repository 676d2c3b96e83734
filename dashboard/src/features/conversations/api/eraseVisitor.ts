import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ErasureRequest, RemovalRecord } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { inboxQueryKey } from '../../inbox/api/getInbox.js';
import { conversationListsKey } from './getConversations.js';

export const eraseVisitor = (client: ApiClient, siteId: string, body: ErasureRequest) =>
  client.post<RemovalRecord>(`sites/${encodeURIComponent(siteId)}/erasures`, { body });

/** Erases a visitor (or a user id) of a site; every list that could show their data is read again. */
export function useEraseVisitor(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ErasureRequest) => eraseVisitor(client, siteId, body),
    onSuccess: async () => {
      await Promise.all(
        [conversationListsKey, ['images'], ['stats'], inboxQueryKey, ['sites', 'removals', siteId]].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      );
    },
  });
}
