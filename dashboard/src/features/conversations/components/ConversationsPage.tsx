import { useMemo } from 'react';
import { MorePages } from '../../../components/LoadMore.js';
import type { SiteOption } from '../../../components/SiteSelect.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { navigate } from '../../../lib/router/history.js';
import { useLocation } from '../../../lib/router/useLocation.js';
import { type ConversationFilters, parseConversationFilters, serializeConversationFilters } from '../api/conversationFilters.js';
import { useConversations } from '../api/getConversations.js';
import { ConversationFiltersBar } from './ConversationFiltersBar.js';
import { ConversationRow } from './ConversationRow.js';
import { ExportConversations } from './ExportConversations.js';

/** Conversations, filtered by the URL query (so a view is a shareable link), loaded page by page. */
export function ConversationsPage({ sites }: { sites: SiteOption[] }) {
  const { search } = useLocation();
  const filters = useMemo(() => parseConversationFilters(search), [search]);
  const query = useConversations(filters);
  const siteNames = useMemo(() => new Map(sites.map((s) => [s.id, s.name])), [sites]);
  const setFilters = (next: ConversationFilters) =>
    navigate(`/conversations${serializeConversationFilters(next)}`, { replace: true });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="conversations-title">
      <h1 id="conversations-title">Conversations</h1>
      <ConversationFiltersBar filters={filters} sites={sites} onChange={setFilters} />
      <ExportConversations filters={filters} />
      {query.isPending ? (
        <Loading label="Loading conversations…" />
      ) : query.isError && !query.isFetchNextPageError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} title="Could not load conversations" />
      ) : items.length === 0 ? (
        <Empty title={Object.keys(filters).length ? 'No conversation matches these filters' : 'No conversations yet'}>
          <p>Conversations appear here as soon as a visitor writes to the widget.</p>
        </Empty>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            Showing {items.length}
            {query.hasNextPage ? '+' : ''} conversation{items.length === 1 ? '' : 's'}
          </p>
          <ul className="rows" aria-label="Conversations">
            {items.map((conversation) => (
              <ConversationRow
                key={conversation.id}
                conversation={conversation}
                siteName={sites.length > 1 ? siteNames.get(conversation.siteId) : undefined}
              />
            ))}
          </ul>
          <MorePages query={query} />
        </>
      )}
    </section>
  );
}
