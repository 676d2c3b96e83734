import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Webhook, WebhookUpdate } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { webhooksKey } from './getWebhooks.js';

/** Changes only the fields named; enabling again clears an automatic disabling. */
export const updateWebhook = (client: ApiClient, id: string, body: WebhookUpdate) =>
  client.patch<Webhook>(`webhooks/${encodeURIComponent(id)}`, { body });

export function useUpdateWebhook(id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: WebhookUpdate) => updateWebhook(client, id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}
