import SearchableMap from 'minisearch/SearchableMap';
import type { Passage } from './Passage.js';
import { processTerm, termsOf, tokenize } from './terms.js';
import { topK } from './topK.js';

export interface KeywordHit {
  /** Position of the passage in the indexed list. */
  position: number;
  score: number;
  /** Share of the question's meaningful words this passage matched (0..1). */
  coverage: number;
}

/** The fields searched, titles and heading paths weighing more than the text. */
const FIELDS = [
  { of: (passage: Passage) => passage.title, boost: 3 },
  { of: (passage: Passage) => passage.headingPath.join(' '), boost: 2 },
  { of: (passage: Passage) => passage.text, boost: 1 },
];
/** BM25's saturation and length normalisation, and BM25+'s floor for a matching term (MiniSearch's defaults). */
const K = 1.2;
const B = 0.7;
const D = 0.5;
/** A word found by its prefix or with a typo weighs less than the word itself (MiniSearch's weights). */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
/** Prefixes of words over 3 letters; typos in words over 4 letters, one edit per 5 letters, at most 6. */
const prefixSearched = (term: string) => term.length > 3;
const typosAllowed = (term: string) => (term.length > 4 ? Math.min(6, Math.round(term.length * 0.2)) : 0);

/**
 * BM25 over one site's passages, scored as MiniSearch scores them (fields weighted, prefix and typo matches weighted
 * less, a passage's score multiplied by how many of the question's words it matched), with MiniSearch's radix tree
 * finding the words by prefix and by edit distance. Each word's score in each passage is computed once, at build, into
 * flat typed arrays, so a question only adds up numbers and keeps its best `limit` (see `docs/retrieval-speed.md`).
 */
export function keywordIndex(passages: Passage[]) {
  const count = passages.length;
  const dictionary = new SearchableMap<number>();
  /** Per word, while building: (passage, field, occurrences) triples, passage by passage. */
  const occurrences: number[][] = [];
  const lengths = FIELDS.map(() => new Float64Array(count));
  const averageLengths = FIELDS.map(() => 0);
  for (const [position, passage] of passages.entries())
    for (const [field, { of }] of FIELDS.entries()) {
      const tokens = tokenize(of(passage));
      // A field's length is its distinct tokens; the average is kept as a running mean, as MiniSearch does.
      const length = new Set(tokens).size;
      (lengths[field] as Float64Array)[position] = length;
      averageLengths[field] = ((averageLengths[field] as number) * position + length) / (position + 1);
      const counts = new Map<number, number>();
      for (const token of tokens) {
        const term = processTerm(token);
        if (!term) continue;
        let id = dictionary.get(term);
        if (id === undefined) {
          id = occurrences.length;
          dictionary.set(term, id);
          occurrences.push([]);
        }
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [id, frequency] of counts) occurrences[id]?.push(position, field, frequency);
    }

  // Postings: word `id` is in passages `postings[starts[id]..starts[id + 1])`, with its score there.
  const starts = new Int32Array(occurrences.length + 1);
  for (const [id, list] of occurrences.entries()) {
    let passagesWithIt = 0;
    for (let i = 0; i < list.length; i += 3) if (i === 0 || list[i] !== list[i - 3]) passagesWithIt++;
    starts[id + 1] = (starts[id] as number) + passagesWithIt;
  }
  const postings = new Int32Array(starts[occurrences.length] as number);
  const scores = new Float64Array(postings.length);
  for (const [id, list] of occurrences.entries()) {
    const inverse = FIELDS.map((_, field) => {
      let documents = 0;
      for (let i = 1; i < list.length; i += 3) if (list[i] === field) documents++;
      return Math.log(1 + (count - documents + 0.5) / (documents + 0.5));
    });
    let at = (starts[id] as number) - 1;
    for (let i = 0; i < list.length; i += 3) {
      const [position, field, frequency] = [list[i] as number, list[i + 1] as number, list[i + 2] as number];
      if (i === 0 || position !== list[i - 3]) postings[++at] = position;
      const relativeLength = ((lengths[field] as Float64Array)[position] as number) / (averageLengths[field] as number);
      const saturation = (frequency * (K + 1)) / (frequency + K * (1 - B + B * relativeLength));
      scores[at] = (scores[at] as number) + (FIELDS[field]?.boost as number) * (inverse[field] as number) * (D + saturation);
    }
    occurrences[id] = [];
  }

  /** The words a question's word finds, with their weights: itself, longer words it begins, words a typo or two away. */
  function variants(term: string): [id: number, weight: number][] {
    const found: [number, number][] = [];
    const exact = dictionary.get(term);
    if (exact !== undefined) found.push([exact, 1]);
    const prefixed = new Set<string>();
    if (prefixSearched(term))
      for (const [word, id] of dictionary.atPrefix(term)) {
        if (word.length === term.length) continue;
        prefixed.add(word);
        found.push([id, (PREFIX_WEIGHT * word.length) / (word.length + 0.3 * (word.length - term.length))]);
      }
    const typos = typosAllowed(term);
    if (typos)
      for (const [word, [id, distance]] of dictionary.fuzzyGet(term, typos))
        if (distance > 0 && !prefixed.has(word)) found.push([id, (FUZZY_WEIGHT * word.length) / (word.length + distance)]);
    return found;
  }

  // A question's working memory, reused: a passage's entries count only when `seen` holds this question's number.
  const sums = new Float64Array(count);
  const matched = new Int32Array(count);
  const lastWord = new Int32Array(count);
  const seen = new Uint32Array(count);
  const touched = new Int32Array(count);
  const best = topK();
  let question = 0;

  return {
    /** Passages matching `query`, best first (equal scores: the earlier passage first). */
    find(query: string, limit: number): KeywordHit[] {
      const terms = termsOf(query);
      const distinct = new Set(terms).size;
      if (distinct === 0 || limit <= 0 || count === 0) return [];
      if (++question === 0xffffffff) {
        seen.fill(0);
        question = 1;
      }
      let reached = 0;
      for (const [word, term] of terms.entries()) {
        // A repeated word adds to the score again but is matched once.
        const first = terms.indexOf(term) === word;
        for (const [id, weight] of variants(term))
          for (let at = starts[id] as number; at < (starts[id + 1] as number); at++) {
            const position = postings[at] as number;
            if (seen[position] !== question) {
              seen[position] = question;
              sums[position] = 0;
              matched[position] = 0;
              lastWord[position] = -1;
              touched[reached++] = position;
            }
            sums[position] = (sums[position] as number) + weight * (scores[at] as number);
            if (first && lastWord[position] !== word) {
              lastWord[position] = word;
              matched[position] = (matched[position] as number) + 1;
            }
          }
      }
      best.reset(Math.min(limit, reached));
      for (let i = 0; i < reached; i++) {
        const position = touched[i] as number;
        best.offer(position, (sums[position] as number) * (matched[position] as number));
      }
      return Array.from({ length: best.size }, (_, n) => ({
        position: best.item(n),
        score: best.score(n),
        coverage: (matched[best.item(n)] as number) / distinct,
      }));
    },
  };
}
