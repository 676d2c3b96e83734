import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SourceCreate, UnansweredDismissResult } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { addSource } from './addSource.js';
import { knowledgeKey } from './getSources.js';

/** Takes a group's answers off the list (they stay in their conversations). */
export const dismissUnanswered = (client: ApiClient, siteId: string, answerIds: string[]) =>
  client.post<UnansweredDismissResult>(`sites/${encodeURIComponent(siteId)}/unanswered/dismiss`, { body: { answerIds } });

export function useDismissUnanswered(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (answerIds: string[]) => dismissUnanswered(client, siteId, answerIds),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: knowledgeKey(siteId) }),
  });
}

/** "Add answer": the answer becomes a text source of the site, then the group it answers leaves the list. */
export function useAnswerUnanswered(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ source, answerIds }: { source: SourceCreate; answerIds: string[] }) => {
      const added = await addSource(client, siteId, source);
      await dismissUnanswered(client, siteId, answerIds);
      return added;
    },
    // Both the sources and the unanswered questions live under the site's knowledge key.
    onSettled: () => queryClient.invalidateQueries({ queryKey: knowledgeKey(siteId) }),
  });
}
