import { describe, expect, it } from 'vitest';
import type { Passage } from './Passage.js';
import { faqPassages } from './retriever.js';
import { siteIndex } from './siteIndex.js';

const faq = faqPassages([
  { question: 'Which plans do you offer?', answer: 'Free and Pro.' },
  { question: 'How do I reset my password?', answer: 'Use the "Forgot password" link on the sign-in page.' },
  { question: 'Do you ship abroad?', answer: 'We ship to every country in the EU.' },
]);
const index = siteIndex(faq);
const best = (query: string) => index.search(query, { limit: 5 })[0];

describe('siteIndex (keywords)', () => {
  it('ranks the passage whose title matches first, titles weighing more than text', () => {
    expect(best('password reset')?.passage.title).toBe('How do I reset my password?');
    expect(best('password reset')?.score).toBe(1);
    expect(best('password reset')?.matches).toBe(true);
  });

  it('matches singular and plural, typos and prefixes', () => {
    expect(best('plan')?.passage.title).toBe('Which plans do you offer?');
    expect(best('passwrod')?.passage.title).toBe('How do I reset my password?');
    expect(best('shipp')?.passage.title).toBe('Do you ship abroad?');
  });

  it('measures coverage over meaningful words only, ignoring stop words', () => {
    const found = best('how do I reset my router');
    expect(found?.passage.title).toBe('How do I reset my password?');
    expect(found?.score).toBe(0.5);
  });

  it('finds nothing for a question of stop words or unrelated words', () => {
    expect(index.search('how do you do', { limit: 5 })).toEqual([]);
    expect(index.search('quantum chromodynamics', { limit: 5 })).toEqual([]);
  });

  it('searches heading paths and text of document passages too', () => {
    const docs: Passage[] = [
      ...faq,
      {
        id: 'c1',
        sourceId: 's1',
        title: 'Shipping guide',
        url: 'https://shop.test/guide',
        page: null,
        headingPath: ['Customs duties'],
        text: 'Parcels leaving the EU may be charged import fees by the destination country.',
        embedding: null,
      },
    ];
    expect(siteIndex(docs).search('customs', { limit: 5 })[0]?.passage.id).toBe('c1');
    expect(siteIndex(docs).search('import fees', { limit: 5 })[0]?.passage.id).toBe('c1');
  });
});

describe('siteIndex (hybrid)', () => {
  // Three directions: a passage matches the question by meaning alone when their vectors agree.
  const withVectors: Passage[] = [
    { ...faq[0]!, embedding: [1, 0, 0] },
    { ...faq[1]!, embedding: [0, 1, 0] },
    { ...faq[2]!, embedding: [0, 0, 2] },
  ];
  const hybrid = siteIndex(withVectors, 0.8);

  it('counts its embedded passages', () => {
    expect(hybrid.embedded).toBe(3);
    expect(index.embedded).toBe(0);
  });

  it('finds a passage by meaning when no word matches, with its (normalised) cosine similarity', () => {
    const [found] = hybrid.search('international delivery', { limit: 5, queryVector: [0, 0.1, 3] });
    expect(found?.passage.title).toBe('Do you ship abroad?');
    expect(found?.keywordScore).toBeNull();
    expect(found?.similarity).toBeCloseTo(3 / Math.sqrt(9.01), 5);
    expect(found?.matches).toBe(true);
  });

  it('fuses the keyword and vector ranks: agreeing on a passage ranks it first', () => {
    const found = hybrid.search('plans offer', { limit: 5, queryVector: [1, 0.2, 0] });
    expect(found[0]?.passage.title).toBe('Which plans do you offer?');
    expect(found[0]?.keywordScore).toBeGreaterThan(0);
    expect(found[0]?.similarity).toBeGreaterThan(0.9);
    // The others come from the vector ranking alone, below the similarity floor: listed, not matching.
    expect(found.slice(1).every((item) => !item.matches)).toBe(true);
  });

  it('ignores vectors of another size (another model) instead of comparing them', () => {
    expect(hybrid.search('zzz', { limit: 5, queryVector: [1, 0] })).toEqual([]);
  });
});
