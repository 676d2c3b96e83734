import MiniSearch from 'minisearch';
import type { FaqEntry } from '../../contract/sites.js';

/** Words too common to tell FAQ entries apart; dropped from entries and questions alike. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from get got had has have how i if in into is it its ' +
    'me my no not of on or our please should so than that the their them then there these they this to us was we were ' +
    'what when where which who why will with would you your yours hi hello hey thanks thank about any some'
  ).split(' '),
);

function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
}

/** Lower-cased, stop words dropped, a plural `s` trimmed so "plans" finds "plan" and back. */
function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  if (!word || STOP_WORDS.has(word)) return null;
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

export interface FaqMatch {
  entry: FaqEntry;
  score: number;
  /** Share of the question's meaningful words that this entry matched (0..1). */
  coverage: number;
}

/** A MiniSearch index over one site's FAQ: questions boosted over answers, fuzzy and prefix matching. */
export class FaqIndex {
  private readonly search: MiniSearch<{ id: number; question: string; answer: string }>;

  constructor(readonly entries: FaqEntry[]) {
    this.search = new MiniSearch({
      fields: ['question', 'answer'],
      tokenize,
      processTerm,
      searchOptions: {
        boost: { question: 3 },
        fuzzy: (term) => (term.length > 4 ? 0.2 : false),
        prefix: (term) => term.length > 3,
        combineWith: 'OR',
      },
    });
    this.search.addAll(entries.map((entry, id) => ({ id, ...entry })));
  }

  /** Entries matching `query`, best first. */
  find(query: string): FaqMatch[] {
    const terms = new Set(
      tokenize(query)
        .map(processTerm)
        .filter((term): term is string => Boolean(term)),
    );
    if (terms.size === 0) return [];
    return this.search.search(query).map((result) => ({
      entry: this.entries[result.id as number]!,
      score: result.score,
      coverage: new Set(result.queryTerms).size / terms.size,
    }));
  }
}
