import { describe, expect, it } from 'vitest';
import { appendSearchText } from './conversationRepository.js';

describe('a conversation’s search text', () => {
  it('appends each text on its own line, lowercased as the search compares', () => {
    expect(appendSearchText('', 'Opening HOURS?', 'Nine to Five.')).toBe('\nopening hours?\nnine to five.');
    expect(appendSearchText('\nhello', 'Ça VA?')).toBe('\nhello\nça va?');
  });

  it('keeps the newest 20,000 characters, dropping the oldest', () => {
    const old = `start${'a'.repeat(19_990)}`;
    const text = appendSearchText(old, 'NEW WORDS');
    expect(text).toHaveLength(20_000);
    expect(text.endsWith('\nnew words')).toBe(true);
    expect(text.includes('start')).toBe(false);
    expect(appendSearchText('x'.repeat(5), 'y'.repeat(30_000))).toBe('y'.repeat(20_000));
  });
});
