import { useMutation } from '@tanstack/react-query';
import type { IdentitySecret } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

/** An admin's explicit reveal (a POST: the secret is never part of a read, nor cached). */
export const revealIdentitySecret = (client: ApiClient, id: string) =>
  client.post<IdentitySecret>(`sites/${encodeURIComponent(id)}/identity-secret`);

export function useRevealIdentitySecret(id: string) {
  const client = useApiClient();
  return useMutation({ mutationFn: () => revealIdentitySecret(client, id) });
}
