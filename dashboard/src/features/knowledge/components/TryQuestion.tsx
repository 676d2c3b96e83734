import { useState } from 'react';
import type { KnowledgeSearchHit } from '../../../../../contract/index.js';
import { safeUrl } from '../../../../../contract/safeUrl.js';
import { ErrorState } from '../../../components/States.js';
import { useSearchKnowledge } from '../api/searchKnowledge.js';

/** The passage's place: its page in a document, its headings on a page. */
function where(hit: KnowledgeSearchHit): string {
  const parts = [hit.page ? `page ${hit.page}` : null, hit.headingPath.length ? hit.headingPath.join(' › ') : null];
  return parts.filter(Boolean).join(' · ');
}

/** "Try a question": what retrieval would give the model, numbered as the model sees it, with scores. */
export function TryQuestion({ siteId }: { siteId: string }) {
  const [q, setQ] = useState('');
  const search = useSearchKnowledge(siteId);
  const result = search.data;
  return (
    <section className="card try-question" aria-labelledby="try-title">
      <h2 id="try-title">Try a question</h2>
      <p className="muted">Shows the passages the assistant would be given for a visitor’s question.</p>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          if (q.trim()) search.mutate(q.trim());
        }}
      >
        <div className="field field-grow">
          <label htmlFor="try-question">Question</label>
          <input id="try-question" type="search" value={q} maxLength={1000} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button type="submit" disabled={!q.trim() || search.isPending}>
          {search.isPending ? 'Searching…' : 'Search'}
        </button>
      </form>
      {search.isError && <ErrorState error={search.error} title="Could not search" />}
      <div aria-live="polite">
        {result &&
          (result.items.length === 0 ? (
            <p>Nothing in this site’s knowledge matches: the assistant would say it does not know.</p>
          ) : (
            <>
              <p className="muted">
                {result.items.length} passage{result.items.length === 1 ? '' : 's'} (
                {result.mode === 'hybrid' ? 'keywords and meaning' : 'keywords'})
              </p>
              <ol className="passages" aria-label="Passages">
                {result.items.map((hit) => (
                  <Passage key={hit.number} hit={hit} />
                ))}
              </ol>
            </>
          ))}
      </div>
    </section>
  );
}

function Passage({ hit }: { hit: KnowledgeSearchHit }) {
  const href = hit.url ? safeUrl(hit.url) : null;
  const place = where(hit);
  return (
    <li className="passage">
      <div className="passage-head">
        <span className="badge" title="Relevance from 0 to 1">
          Score {hit.score.toFixed(2)}
        </span>{' '}
        <span className="passage-number">[{hit.number}]</span>{' '}
        {href ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {hit.title}
          </a>
        ) : (
          <strong>{hit.title}</strong>
        )}
        {hit.sourceId === 'faq' && <span className="muted"> (FAQ)</span>}
        {place && <span className="muted"> · {place}</span>}
      </div>
      <p className="passage-text">{hit.text}</p>
    </li>
  );
}
