import { describe, expect, it } from 'vitest';
import { groupQuestions } from './groupQuestions.js';

const texts = (groups: { question: string }[][]) => groups.map((group) => group.map((item) => item.question));

describe('groupQuestions', () => {
  it('groups questions asking the same thing (word forms and typos included), keeping the given order', () => {
    const groups = groupQuestions(
      [
        'Do you ship to Canada?',
        'What are your opening hours?',
        'shipping to canada possible?',
        'Can you ship my parcel to Canda',
        'When are you open? opening hours please',
      ].map((question) => ({ question })),
    );
    expect(texts(groups)).toEqual([
      ['Do you ship to Canada?', 'Can you ship my parcel to Canda'],
      ['What are your opening hours?', 'When are you open? opening hours please'],
      ['shipping to canada possible?'],
    ]);
  });

  it('needs each question to cover half of the other: a chain of small overlaps does not join unrelated ones', () => {
    const groups = groupQuestions(
      ['refund for my order', 'order tracking number', 'tracking number lost'].map((question) => ({ question })),
    );
    expect(texts(groups)).toEqual([['refund for my order'], ['order tracking number', 'tracking number lost']]);
  });

  it('puts each question in one group', () => {
    const items = Array.from({ length: 50 }, (_, n) => ({ question: `question about topic ${n % 5} and item ${n}` }));
    const groups = groupQuestions(items);
    expect(groups.flat()).toHaveLength(50);
    expect(new Set(groups.flat()).size).toBe(50);
  });
});
