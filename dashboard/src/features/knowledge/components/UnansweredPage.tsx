import { useMemo, useState } from 'react';
import { isApiError } from '../../../../../contract/ApiError.js';
import { MorePages } from '../../../components/LoadMore.js';
import { PerSitePage, SiteSwitcher } from '../../../components/PerSitePage.js';
import type { SiteOption } from '../../../components/SiteSelect.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { Link } from '../../../lib/router/Link.js';
import { useUnanswered } from '../api/getUnanswered.js';
import { UnansweredGroupRow } from './UnansweredGroupRow.js';

const PERIODS = [7, 30, 90, 365];

/** `/unanswered` (the first site's) and `/unanswered/:siteId`: what visitors asked that the knowledge did not answer. */
export function UnansweredPage({ siteId, sites, canEdit }: { siteId: string | null; sites: SiteOption[]; canEdit: boolean }) {
  return (
    <PerSitePage
      base="/unanswered"
      siteId={siteId}
      sites={sites}
      title="Unanswered questions"
      titleId="unanswered-title"
      noSites="questions are asked on a site."
    >
      {(id) => <SiteUnanswered key={id} siteId={id} sites={sites} canEdit={canEdit} />}
    </PerSitePage>
  );
}

function SiteUnanswered({ siteId, sites, canEdit }: { siteId: string; sites: SiteOption[]; canEdit: boolean }) {
  const [days, setDays] = useState(30);
  const query = useUnanswered(siteId, days);
  const groups = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const [said, setSaid] = useState('');
  return (
    <section aria-labelledby="unanswered-title">
      <h1 id="unanswered-title">Unanswered questions</h1>
      <p className="muted">
        What visitors asked that the site’s <Link to={`/knowledge/${siteId}`}>knowledge</Link> did not answer, and answers they
        rated down, with alike questions grouped. Add an answer and the assistant answers them from it.
      </p>
      <form className="filters" aria-label="Choose the questions" onSubmit={(event) => event.preventDefault()}>
        <SiteSwitcher id="unanswered-site" base="/unanswered" siteId={siteId} sites={sites} />
        <div className="field">
          <label htmlFor="unanswered-days">Asked in the last</label>
          <select id="unanswered-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((n) => (
              <option key={n} value={n}>
                {n} days
              </option>
            ))}
          </select>
        </div>
      </form>
      <p role="status" className="visually-hidden">
        {said}
      </p>
      {!canEdit && <p className="notice">Only organization admins can add answers or dismiss questions; you are viewing them.</p>}
      <h2 id="unanswered-list-title" className="visually-hidden">
        Questions
      </h2>
      {query.isPending ? (
        <Loading label="Loading questions…" />
      ) : query.isError && !query.isFetchNextPageError ? (
        <ErrorState
          error={query.error}
          onRetry={() => query.refetch()}
          title={
            isApiError(query.error) && query.error.status === 404 ? 'This site does not exist' : 'Could not load the questions'
          }
        />
      ) : groups.length === 0 ? (
        <Empty title="No unanswered questions">
          <p>Every question of this period was answered from the site’s knowledge, and no answer was rated down.</p>
        </Empty>
      ) : (
        <>
          <ul className="rows" aria-labelledby="unanswered-list-title">
            {groups.map((group) => (
              <UnansweredGroupRow key={group.id} group={group} canEdit={canEdit} onDone={setSaid} />
            ))}
          </ul>
          <MorePages query={query} />
        </>
      )}
    </section>
  );
}
