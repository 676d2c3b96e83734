import { useMutation } from '@tanstack/react-query';
import type { WebhookWithSecret } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

/** A new signing secret, shown this once; it signs every delivery from now on. */
export const rotateWebhookSecret = (client: ApiClient, id: string) =>
  client.post<WebhookWithSecret>(`webhooks/${encodeURIComponent(id)}/secret`);

export function useRotateWebhookSecret(id: string) {
  const client = useApiClient();
  return useMutation({ mutationFn: () => rotateWebhookSecret(client, id) });
}
