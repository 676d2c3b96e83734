import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SiteCreate, SiteWithSecret } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { siteQueryKey, withoutSecret } from './getSite.js';
import { sitesQueryKey } from './getSites.js';

export const createSite = (client: ApiClient, body: SiteCreate) => client.post<SiteWithSecret>('sites', { body });

/** Creates a site: seeds its detail entry and refetches the list. */
export function useCreateSite() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SiteCreate) => createSite(client, body),
    onSuccess: async (site) => {
      queryClient.setQueryData(siteQueryKey(site.id), withoutSecret(site));
      await queryClient.invalidateQueries({ queryKey: sitesQueryKey });
    },
  });
}
