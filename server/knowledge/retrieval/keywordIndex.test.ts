import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seededRandom.js';
import { keywordIndex } from './keywordIndex.js';
import type { Passage } from './Passage.js';
import { processTerm, termsOf, tokenize } from './terms.js';

/** The engine this index replaced, configured as it was: the reference its rankings must equal. */
function miniSearchReference(passages: Passage[]) {
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
  search.addAll(passages.map((p, id) => ({ id, title: p.title, headings: p.headingPath.join(' '), text: p.text })));
  return (query: string, limit: number) => {
    const terms = new Set(termsOf(query));
    if (terms.size === 0) return [];
    return search
      .search(query)
      .slice(0, limit)
      .map((r) => ({ position: r.id as number, score: r.score, coverage: new Set(r.queryTerms).size / terms.size }));
  };
}

describe('keywordIndex', () => {
  it('finds, scores and measures coverage as MiniSearch did, with prefixes, typos and repeated words', () => {
    const random = seededRandom(15);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
    const letters = 'abcdeeeilmnoorstu';
    const vocabulary = Array.from({ length: 400 }, () =>
      Array.from({ length: 3 + Math.floor(random() * 8) }, () => pick([...letters])).join(''),
    );
    // Words drawn unevenly (a few common, most rare), as in real text, with stop words and punctuation between.
    const word = () =>
      random() < 0.1 ? pick(['the', 'how', 'of', 'and']) : vocabulary[Math.floor(vocabulary.length * random() ** 2)];
    const words = (n: number) => Array.from({ length: n }, word).join(random() < 0.5 ? ' ' : ', ');
    const passages: Passage[] = Array.from({ length: 600 }, (_, n) => ({
      id: `p${n}`,
      sourceId: 's',
      title: words(1 + Math.floor(random() * 4)),
      url: null,
      page: null,
      headingPath: n % 3 ? [words(2), words(1)] : [],
      text: words(Math.floor(random() * 80)),
      embedding: null,
    }));
    const typo = (w: string) => {
      const at = Math.floor(random() * w.length);
      return `${w.slice(0, at)}${pick([...letters])}${w.slice(at + 1)}`;
    };
    const questions = Array.from({ length: 150 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
        const w = word() as string;
        const roll = random();
        return roll < 0.2 ? typo(w) : roll < 0.35 ? w.slice(0, Math.max(2, w.length - 2)) : roll < 0.4 ? `${w} ${w}` : w;
      }).join(' '),
    );
    const index = keywordIndex(passages);
    const reference = miniSearchReference(passages);
    // Equal scores are ordered differently (MiniSearch: by when a passage was first met; here: the earlier passage
    // first), so both full lists are compared with equal scores (to 10 digits) put in passage order.
    const canonical = (hits: { position: number; score: number; coverage: number }[]) =>
      hits
        .map((hit) => ({ ...hit, rounded: Number(hit.score.toPrecision(10)) }))
        .sort((a, b) => b.rounded - a.rounded || a.position - b.position);
    let nonEmpty = 0;
    for (const question of questions) {
      const found = canonical(index.find(question, passages.length));
      const expected = canonical(reference(question, passages.length));
      if (expected.length) nonEmpty++;
      expect(
        found.map((hit) => [hit.position, hit.coverage]),
        question,
      ).toEqual(expected.map((hit) => [hit.position, hit.coverage]));
      for (const [n, hit] of found.entries()) expect(hit.score).toBeCloseTo(expected[n]?.score as number, 9);
      // The best 20 are the first 20 of the whole list.
      expect(index.find(question, 20).map((hit) => hit.score)).toEqual(
        index
          .find(question, passages.length)
          .slice(0, 20)
          .map((hit) => hit.score),
      );
    }
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it('answers each question afresh, and nothing for stop words, no limit or no passages', () => {
    const passages = ['alpha beta', 'beta gamma', 'gamma delta'].map(
      (text, n): Passage => ({
        id: `p${n}`,
        sourceId: 's',
        title: '',
        url: null,
        page: null,
        headingPath: [],
        text,
        embedding: null,
      }),
    );
    const index = keywordIndex(passages);
    expect(index.find('gamma delta', 5).map((hit) => [hit.position, hit.coverage])).toEqual([
      [2, 1],
      [1, 0.5],
    ]);
    expect(index.find('alpha', 5).map((hit) => [hit.position, hit.coverage])).toEqual([[0, 1]]);
    expect(index.find('the of and', 5)).toEqual([]);
    expect(index.find('alpha', 0)).toEqual([]);
    expect(keywordIndex([]).find('alpha', 5)).toEqual([]);
  });
});
