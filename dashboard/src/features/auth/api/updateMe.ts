import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Me, MeUpdate } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import { meQueryKey } from './getMe.js';

/** Sets (or clears, with null) the agent's display name: the name visitors see on their replies. */
export function useUpdateMe() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MeUpdate) => client.patch<Me>('me', { body }),
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}
