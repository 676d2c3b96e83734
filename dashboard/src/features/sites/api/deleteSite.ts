import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { siteQueryKey } from './getSite.js';
import { sitesQueryKey } from './getSites.js';

export const deleteSite = (client: ApiClient, id: string): Promise<void> => client.delete(`sites/${encodeURIComponent(id)}`);

/** Deletes a site; its conversations, images and stats go with it, so those lists are refetched too. */
export function useDeleteSite() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteSite(client, id),
    onSuccess: async (_data, id) => {
      queryClient.removeQueries({ queryKey: siteQueryKey(id), exact: true });
      await Promise.all(
        [sitesQueryKey, ['conversations'], ['images'], ['stats']].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
    },
  });
}
