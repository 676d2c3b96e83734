import { useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../../../../../contract/ApiError.js';
import type { Source } from '../../../../../contract/index.js';
import { LoadMore } from '../../../components/LoadMore.js';
import type { SiteOption } from '../../../components/SiteSelect.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { navigate } from '../../../lib/router/history.js';
import { Link } from '../../../lib/router/Link.js';
import { useSources } from '../api/getSources.js';
import { statusChanges } from '../statusChanges.js';
import { AddSourceForm } from './AddSourceForm.js';
import { SourceRow } from './SourceRow.js';
import { TryQuestion } from './TryQuestion.js';

/** `/knowledge` (the first site's) and `/knowledge/:siteId`: the site's sources, adding them, and "Try a question". */
export function KnowledgePage({ siteId, sites, canEdit }: { siteId: string | null; sites: SiteOption[]; canEdit: boolean }) {
  const first = sites[0]?.id;
  useEffect(() => {
    if (!siteId && first) navigate(`/knowledge/${first}`, { replace: true });
  }, [siteId, first]);
  if (!siteId)
    return (
      <section aria-labelledby="knowledge-title">
        <h1 id="knowledge-title">Knowledge</h1>
        {first ? (
          <Loading />
        ) : (
          <Empty title="No sites yet">
            <p>
              <Link to="/sites">Add a site</Link> first: knowledge belongs to a site.
            </p>
          </Empty>
        )}
      </section>
    );
  return <SiteKnowledge key={siteId} siteId={siteId} sites={sites} canEdit={canEdit} />;
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
          <div className="field">
            <label htmlFor="knowledge-site">Site</label>
            <select id="knowledge-site" value={siteId} onChange={(e) => navigate(`/knowledge/${e.target.value}`)}>
              {sites.map((site) => (
                <option key={site.id} value={site.id}>
                  {site.name}
                </option>
              ))}
            </select>
          </div>
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
