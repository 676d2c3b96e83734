import { describe, expect, it } from 'vitest';
import { FaqIndex } from './faqIndex.js';

const index = new FaqIndex([
  { question: 'Which plans do you offer?', answer: 'Free and Pro.' },
  { question: 'How do I reset my password?', answer: 'Use the "Forgot password" link on the sign-in page.' },
  { question: 'Do you ship abroad?', answer: 'We ship to every country in the EU.' },
]);

describe('FaqIndex', () => {
  it('ranks the entry whose question matches first, questions weighing more than answers', () => {
    const [best] = index.find('password reset');
    expect(best?.entry.question).toBe('How do I reset my password?');
    expect(best?.coverage).toBe(1);
  });

  it('matches singular and plural, typos and prefixes', () => {
    expect(index.find('plan')[0]?.entry.question).toBe('Which plans do you offer?');
    expect(index.find('passwrod')[0]?.entry.question).toBe('How do I reset my password?');
    expect(index.find('shipp')[0]?.entry.question).toBe('Do you ship abroad?');
  });

  it('measures coverage over meaningful words only, ignoring stop words', () => {
    const [best] = index.find('how do I reset my router');
    expect(best?.entry.question).toBe('How do I reset my password?');
    expect(best?.coverage).toBe(0.5);
  });

  it('finds nothing for a question of stop words or unrelated words', () => {
    expect(index.find('how do you do')).toEqual([]);
    expect(index.find('quantum chromodynamics')).toEqual([]);
  });
});
