import { useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../../../../../contract/ApiError.js';
import type { Source } from '../../../../../contract/index.js';
import { LoadMore } from '../../../components/LoadMore.js';
import { PerSitePage, SiteSwitcher } from '../../../components/PerSitePage.js';
import type { SiteOption } from '../../../components/SiteSelect.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { Link } from '../../../lib/router/Link.js';
import { useSources } from '../api/getSources.js';
import { statusChanges } from '../statusChanges.js';
import { AddSourceForm } from './AddSourceForm.js';
import { SourceRow } from './SourceRow.js';
import { TryQuestion } from './TryQuestion.js';

/** `/knowledge` (the first site's) and `/knowledge/:siteId`: the site's sources, adding them, and "Try a question". */
export function KnowledgePage({ siteId, sites, canEdit }: { siteId: string | null; sites: SiteOption[]; canEdit: boolean }) {
  return (
    <PerSitePage
      base="/knowledge"
      siteId={siteId}
      sites={sites}
      title="Knowledge"
      titleId="knowledge-title"
      noSites="knowledge belongs to a site."
    >
      {(id) => <SiteKnowledge key={id} siteId={id} sites={sites} canEdit={canEdit} />}
    </PerSitePage>
  );
}

function SiteKnowledge({ siteId, sites, canEdit }: { siteId: string; sites: SiteOption[]; canEdit: boolean }) {
  const query = useSources(siteId);
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const announcement = useAnnouncements(items);
  const [added, setAdded] = useState('');
  return (
    <section aria-labelledby="knowledge-title">
      <h1 id="knowledge-title">Knowledge</h1>
      <p className="muted">
        What the assistant answers from: pages, websites, sitemaps, documents and text. The site’s FAQ is edited on its{' '}
        <Link to={`/sites/${siteId}`}>settings page</Link>.
      </p>
      {sites.length > 1 && (
        <div className="filters">
          <SiteSwitcher id="knowledge-site" base="/knowledge" siteId={siteId} sites={sites} />
        </div>
      )}
      <p role="status" className="visually-hidden">
        {[added, announcement].filter(Boolean).join(' ')}
      </p>
      {canEdit ? (
        <AddSourceForm siteId={siteId} onAdded={(title) => setAdded(`“${title}” was added and will be synced.`)} />
      ) : (
        <p className="notice">Only organization admins can add, sync or delete sources; you are viewing them.</p>
      )}
      <h2 id="sources-title">Sources</h2>
      {query.isPending ? (
        <Loading label="Loading sources…" />
      ) : query.isError && !query.isFetchNextPageError ? (
        <ErrorState
          error={query.error}
          onRetry={() => query.refetch()}
          title={
            isApiError(query.error) && query.error.status === 404 ? 'This site does not exist' : 'Could not load the sources'
          }
        />
      ) : items.length === 0 ? (
        <Empty title="No sources yet">
          <p>The assistant answers from the FAQ only.{canEdit ? ' Add a page, a website or a document above.' : ''}</p>
        </Empty>
      ) : (
        <>
          <ul className="rows" aria-labelledby="sources-title">
            {items.map((source) => (
              <SourceRow key={source.id} source={source} canEdit={canEdit} />
            ))}
          </ul>
          <LoadMore
            hasNextPage={query.hasNextPage}
            isFetchingNextPage={query.isFetchingNextPage}
            fetchNextPage={query.fetchNextPage}
          />
        </>
      )}
      <TryQuestion siteId={siteId} />
    </section>
  );
}

/** The latest status changes of the listed sources, for the page's live region. */
function useAnnouncements(sources: Source[]): string {
  const seen = useRef(new Map<string, Source['status']>());
  const [said, setSaid] = useState('');
  useEffect(() => {
    const changes = statusChanges(seen.current, sources);
    seen.current = new Map(sources.map((s) => [s.id, s.status]));
    if (changes.length) setSaid(changes.join(' '));
  }, [sources]);
  return said;
}
