import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { sourcesQueryKey } from './getSources.js';

/** Deletes a source with its passages: answers stop using it at once (204). */
export const deleteSource = (client: ApiClient, id: string): Promise<void> => client.delete(`sources/${encodeURIComponent(id)}`);

export function useDeleteSource(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteSource(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourcesQueryKey(siteId) }),
  });
}
