import { describe, expect, it } from 'vitest';
import { citeAnswer, snippetOf } from './citations.js';
import type { RetrievedPassage } from './retrieval/Passage.js';

const passage = (n: number): RetrievedPassage => ({
  passage: {
    id: `c${n}`,
    sourceId: `s${n}`,
    title: `Page ${n}`,
    url: null,
    page: null,
    headingPath: [],
    text: `Text ${n}`,
    embedding: null,
  },
  score: 1,
  keywordScore: 1,
  similarity: null,
  matches: true,
});
const given = [passage(1), passage(2), passage(3)];

describe('citeAnswer', () => {
  it('renumbers valid markers in order of first use and lists the cited passages in that order', () => {
    const cited = citeAnswer('Returns take 30 days [3]. Shipping is free [1]. Again [3].', given);
    expect(cited.text).toBe('Returns take 30 days [1]. Shipping is free [2]. Again [1].');
    expect(cited.cited.map((item) => item.passage.id)).toEqual(['c3', 'c1']);
  });

  it('drops markers naming no given passage (a model may invent one) and splits lists', () => {
    const cited = citeAnswer('A [7]. B [0]. C [2, 9]. D [1][2].', given);
    expect(cited.text).toBe('A. B. C [1]. D [2][1].');
    expect(cited.cited.map((item) => item.passage.id)).toEqual(['c2', 'c1']);
  });

  it('adds passages the provider reports without markers, and cites nothing when nothing is used', () => {
    expect(citeAnswer('From the FAQ.', given, [2]).cited.map((item) => item.passage.id)).toEqual(['c2']);
    expect(citeAnswer('I do not know [1].', [])).toEqual({ text: 'I do not know.', cited: [] });
  });

  it('leaves other brackets alone', () => {
    expect(citeAnswer('Use `a[1]`? No: see [the docs](https://x.test) [1]', given).text).toBe(
      'Use `a[1]`? No: see [the docs](https://x.test) [1]',
    );
  });
});

describe('snippetOf', () => {
  it('flattens whitespace and cuts a long passage at a word', () => {
    expect(snippetOf('Short\n\ntext.')).toBe('Short text.');
    const long = snippetOf('word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual(201);
    expect(long.endsWith('word…')).toBe(true);
  });
});
