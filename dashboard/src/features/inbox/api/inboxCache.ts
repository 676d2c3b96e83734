import type { QueryClient } from '@tanstack/react-query';
import type { AdminConversation, AdminConversationDetail, Message } from '../../../../../contract/index.js';
import { conversationQueryKey } from '../../conversations/api/getConversation.js';
import { inboxQueryKey } from './getInbox.js';

/** A conversation's new view (from the event stream or an action): into the inbox and the open transcript. */
export function putConversation(queryClient: QueryClient, view: AdminConversation): void {
  queryClient.setQueryData<AdminConversation[]>(inboxQueryKey, (old) =>
    old ? [...old.filter((c) => c.id !== view.id), view] : old,
  );
  queryClient.setQueryData<AdminConversationDetail>(conversationQueryKey(view.id), (old) =>
    old ? { ...old, ...view, messages: old.messages } : old,
  );
}

/** A stored message (the visitor's, an agent's, an answer): added once, by id, to the open transcript. */
export function putMessage(queryClient: QueryClient, conversationId: string, message: Message): void {
  const key = conversationQueryKey(conversationId);
  // Still loading: its answer may predate the message, so it is read again.
  if (queryClient.getQueryState(key)?.status === 'pending') void queryClient.invalidateQueries({ queryKey: key });
  queryClient.setQueryData<AdminConversationDetail>(key, (old) => {
    if (!old) return old;
    const at = old.messages.findIndex((m) => m.id === message.id);
    const messages = at < 0 ? [...old.messages, message] : old.messages.map((m, i) => (i === at ? message : m));
    return { ...old, messages };
  });
}
