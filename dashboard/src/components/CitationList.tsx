import type { Citation } from '../../../contract/messages.js';
import { safeUrl } from '../../../contract/safeUrl.js';

/** An answer's sources, numbered like its `[n]` markers; web pages link out (new tab), documents show their page. */
export function CitationList({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <ol className="citations" aria-label="Sources">
      {citations.map((citation, n) => {
        const href = citation.url ? safeUrl(citation.url) : null;
        const name = citation.page ? `${citation.title}, page ${citation.page}` : citation.title;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is the answer's, fixed once stored
          <li key={n} title={citation.snippet}>
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                {name}
              </a>
            ) : (
              name
            )}
            {citation.sourceId === 'faq' && <span className="muted"> (FAQ)</span>}
          </li>
        );
      })}
    </ol>
  );
}
