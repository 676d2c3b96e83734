import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Source } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { sourcesQueryKey } from './getSources.js';

/** Syncs a source again now (202; pages whose content did not change are skipped). */
export const syncSource = (client: ApiClient, id: string) => client.post<Source>(`sources/${encodeURIComponent(id)}/sync`);

export function useSyncSource(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => syncSource(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourcesQueryKey(siteId) }),
  });
}
