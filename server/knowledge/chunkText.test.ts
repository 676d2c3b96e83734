import { describe, expect, it } from 'vitest';
import { chunkText, hashText } from './chunkText.js';

const doc = (text: string) => ({ title: 'Guide', url: 'https://example.com/guide', page: null, text });
const sentence = (i: number) => `Sentence number ${i} explains one more detail of the widget setup.`;
const paragraph = (from: number, n: number) => Array.from({ length: n }, (_, i) => sentence(from + i)).join(' ');

describe('chunkText', () => {
  it('splits along headings and keeps the title and heading path', () => {
    const text = ['# Install', paragraph(0, 8), '## From npm', paragraph(100, 8), '# Billing', paragraph(200, 8)].join('\n\n');
    const chunks = chunkText(doc(text));
    expect(chunks.map((c) => c.headingPath)).toEqual([
      ['Guide', 'Install'],
      ['Guide', 'Install', 'From npm'],
      ['Guide', 'Billing'],
    ]);
    expect(chunks[1]?.text).toContain('Sentence number 100');
    expect(chunks[0]?.url).toBe('https://example.com/guide');
  });

  it('splits a long section at paragraphs and sentences, within the word ceiling and with an overlap', () => {
    const text = ['# Long', paragraph(0, 40), paragraph(40, 40), paragraph(80, 200)].join('\n\n');
    const chunks = chunkText(doc(text), { targetWords: 250, maxWords: 400, overlapWords: 30 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.text.split(/\s+/).length).toBeLessThanOrEqual(400);
    // The second piece starts with the end of the first.
    const firstTail = chunks[0]?.text.split(/\s+/).slice(-5).join(' ') ?? '';
    expect(chunks[1]?.text).toContain(firstTail);
    // Every sentence survives somewhere.
    const all = chunks.map((c) => c.text).join(' ');
    for (const i of [0, 39, 40, 79, 80, 279]) expect(all).toContain(`Sentence number ${i} `);
  });

  it('merges a tiny section into its next sibling', () => {
    const chunks = chunkText(doc(['# A', 'Short.', '# B', paragraph(0, 8)].join('\n\n')));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.text).toContain('Short.');
    expect(chunks[0]?.text).toContain('Sentence number 0');
  });

  it('gives nothing for an empty document, and the same hash for the same text however spaced', () => {
    expect(chunkText(doc('   \n\n  '))).toEqual([]);
    expect(hashText('Hello   World\n')).toBe(hashText('hello world'));
  });

  it('keeps the page of a document page', () => {
    const [chunk] = chunkText({ title: 'Manual', url: null, page: 3, text: 'Page three text.' });
    expect(chunk).toMatchObject({ page: 3, url: null, headingPath: ['Manual'], text: 'Page three text.' });
  });
});
