import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WebhookTestResult } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { deliveriesKey } from './getDeliveries.js';

/** Queues a `webhook.test` event for this endpoint (one attempt, also when disabled); its attempt shows in the log. */
export const sendTestEvent = (client: ApiClient, id: string) =>
  client.post<WebhookTestResult>(`webhooks/${encodeURIComponent(id)}/test`);

export function useSendTestEvent(id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => sendTestEvent(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}
