import type { Citation } from '../../../contract/messages.js';
import { safeUrl } from '../../../contract/safeUrl.js';

/** An answer's sources, numbered like its `[n]` markers: web pages as links (new tab), documents with their page. */
export function Citations({ list }: { list?: Citation[] }) {
  if (!list?.length) return null;
  return (
    <ol class="cites">
      {list.map((c, n) => {
        const href = c.url && safeUrl(c.url);
        const name = c.page ? `${c.title}, p. ${c.page}` : c.title;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: numbered like the answer's markers, fixed once stored
          <li key={n}>
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                {name}
              </a>
            ) : (
              name
            )}
          </li>
        );
      })}
    </ol>
  );
}
