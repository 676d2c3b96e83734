import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WebhookCreate, WebhookWithSecret } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { webhooksKey } from './getWebhooks.js';

/** Adds an endpoint; the answer carries its signing secret, shown this once. */
export const createWebhook = (client: ApiClient, body: WebhookCreate) => client.post<WebhookWithSecret>('webhooks', { body });

export function useCreateWebhook() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: WebhookCreate) => createWebhook(client, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}
