import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Page, Site, SiteUpdate, SiteWithSecret } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { siteQueryKey, withoutSecret } from './getSite.js';
import { sitesQueryKey } from './getSites.js';

export const updateSite = (client: ApiClient, id: string, body: SiteUpdate) =>
  client.patch<SiteWithSecret>(`sites/${encodeURIComponent(id)}`, { body });

/** The cached site with an update applied, as the server will return it (the secret is the server's to make). */
export function applySiteUpdate(site: Site, update: SiteUpdate): Site {
  const { rotateIdentitySecret, identityVerification, look, ...rest } = update;
  return {
    ...site,
    ...(rest as Partial<Site>),
    look: { ...site.look, ...look },
    identityVerification: rotateIdentitySecret || (identityVerification ?? site.identityVerification),
  };
}

interface Context {
  previousSite: Site | undefined;
  previousList: Page<Site> | undefined;
}

/**
 * Saves site edits optimistically (an identity secret in the answer is the caller's to show once; the
 * cache never keeps it): the detail and the list show the new values at once, roll back on
 * error, and take the server's copy on success. Only the site's own queries are touched.
 */
export function useUpdateSite(id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation<SiteWithSecret, Error, SiteUpdate, Context>({
    mutationFn: (body) => updateSite(client, id, body),
    onMutate: async (body) => {
      await Promise.all([
        queryClient.cancelQueries({ queryKey: siteQueryKey(id) }),
        queryClient.cancelQueries({ queryKey: sitesQueryKey }),
      ]);
      const previousSite = queryClient.getQueryData<Site>(siteQueryKey(id));
      const previousList = queryClient.getQueryData<Page<Site>>(sitesQueryKey);
      if (previousSite && !body.rotateIdentitySecret)
        queryClient.setQueryData(siteQueryKey(id), applySiteUpdate(previousSite, body));
      if (previousList && !body.rotateIdentitySecret)
        queryClient.setQueryData(sitesQueryKey, {
          ...previousList,
          items: previousList.items.map((s) => (s.id === id ? applySiteUpdate(s, body) : s)),
        });
      return { previousSite, previousList };
    },
    onError: (_error, _body, context) => {
      if (context?.previousSite) queryClient.setQueryData(siteQueryKey(id), context.previousSite);
      if (context?.previousList) queryClient.setQueryData(sitesQueryKey, context.previousList);
    },
    onSuccess: (answer) => {
      const site = withoutSecret(answer);
      queryClient.setQueryData(siteQueryKey(id), site);
      queryClient.setQueryData<Page<Site>>(sitesQueryKey, (list) =>
        list ? { ...list, items: list.items.map((s) => (s.id === id ? site : s)) } : list,
      );
    },
  });
}
