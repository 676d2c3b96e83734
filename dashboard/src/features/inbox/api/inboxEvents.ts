import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isApiError } from '../../../../../contract/ApiError.js';
import type { InboxEvents } from '../../../../../contract/index.js';
import { readEventStream } from '../../../../../contract/sse.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import { inboxQueryKey } from './getInbox.js';
import { putConversation, putMessage } from './inboxCache.js';

/**
 * Holds the tenant's live event stream (`GET /v1/admin/events`) while the dashboard is open: it is also what tells
 * visitors someone is online. Events feed the query cache; a dropped stream resumes after its last event.
 */
export function useInboxEvents(): void {
  const client = useApiClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    const ac = new AbortController();
    let lastEventId: string | null = null;
    (async () => {
      for (let wait = 500; !ac.signal.aborted; wait = Math.min(wait * 2, 8000)) {
        try {
          const response = await client.stream('events', { signal: ac.signal, lastEventId });
          // Without an event to resume from, what changed before the stream opened is read again.
          if (!lastEventId) void queryClient.invalidateQueries({ queryKey: inboxQueryKey });
          wait = 250;
          await readEventStream(response, ({ event, data, id }) => {
            if (id) lastEventId = id;
            if (event === 'conversation') putConversation(queryClient, JSON.parse(data) as InboxEvents['conversation']);
            else if (event === 'message') {
              const { conversationId, message } = JSON.parse(data) as InboxEvents['message'];
              putMessage(queryClient, conversationId, message);
            }
          });
        } catch (error) {
          // Refused for good (no such route, no right): stop; network trouble and 401/429/5xx try again.
          if (isApiError(error) && error.status >= 400 && error.status < 500 && ![401, 429].includes(error.status)) return;
        }
        if (!ac.signal.aborted) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })();
    return () => ac.abort();
  }, [client, queryClient]);
}
