import MiniSearch from 'minisearch';
import type { Passage } from './Passage.js';
import { processTerm, termsOf, tokenize } from './terms.js';

export interface KeywordHit {
  /** Position of the passage in the indexed list. */
  position: number;
  score: number;
  /** Share of the question's meaningful words this passage matched (0..1). */
  coverage: number;
}

/**
 * BM25 over one site's passages (MiniSearch): titles and heading paths weigh more than the text, with fuzzy and prefix
 * matching for typos and word forms.
 */
export function keywordIndex(passages: Passage[]) {
  const search = new MiniSearch<{ id: number; title: string; headings: string; text: string }>({
    fields: ['title', 'headings', 'text'],
    tokenize,
    processTerm,
    searchOptions: {
      boost: { title: 3, headings: 2 },
      fuzzy: (term) => (term.length > 4 ? 0.2 : false),
      prefix: (term) => term.length > 3,
      combineWith: 'OR',
    },
  });
  search.addAll(
    passages.map((passage, id) => ({ id, title: passage.title, headings: passage.headingPath.join(' '), text: passage.text })),
  );

  return {
    /** Passages matching `query`, best first. */
    find(query: string, limit: number): KeywordHit[] {
      const terms = new Set(termsOf(query));
      if (terms.size === 0) return [];
      return search
        .search(query)
        .slice(0, limit)
        .map((result) => ({
          position: result.id as number,
          score: result.score,
          coverage: new Set(result.queryTerms).size / terms.size,
        }));
    },
  };
}
