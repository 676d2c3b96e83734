import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdminConversation, Message } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import { putConversation, putMessage } from './inboxCache.js';

export type InboxAction = 'takeover' | 'release' | 'close';

/** Take over (the agent holds the conversation), release (back to the assistant) or close; the view comes back. */
export function useConversationAction(id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: InboxAction) => client.post<AdminConversation>(`conversations/${encodeURIComponent(id)}/${action}`),
    onSuccess: (view) => putConversation(queryClient, view),
  });
}

/** An agent's reply, stored as a message with role `agent` and its author. */
export function useReply(id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => client.post<Message>(`conversations/${encodeURIComponent(id)}/messages`, { body: { text } }),
    onSuccess: (message) => putMessage(queryClient, id, message),
  });
}
