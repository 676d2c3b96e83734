import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { webhooksKey } from './getWebhooks.js';

/** Deletes an endpoint with its delivery log; its pending deliveries are dropped (204). */
export const deleteWebhook = (client: ApiClient, id: string): Promise<void> =>
  client.delete(`webhooks/${encodeURIComponent(id)}`);

export function useDeleteWebhook(id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteWebhook(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}
