import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Source, SourceCreate } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { sourcesQueryKey } from './getSources.js';

/** A page, website, sitemap or text snippet; the server answers 202 with the source queued for its first sync. */
export const addSource = (client: ApiClient, siteId: string, body: SourceCreate) =>
  client.post<Source>(`sites/${encodeURIComponent(siteId)}/sources`, { body });

export function useAddSource(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SourceCreate) => addSource(client, siteId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourcesQueryKey(siteId) }),
  });
}
