import type { RetrievedPassage } from './retrieval/Passage.js';

export interface CitedAnswer {
  /** The answer with its valid markers renumbered in order of first use (`[1]`, `[2]`…) and invalid ones removed. */
  text: string;
  /** The cited passages, in the order of their new numbers. */
  cited: RetrievedPassage[];
}

/** `[1]`, `[2, 3]`, `[1][2]`: what models write when told to cite numbered sources. */
const MARKER = /\s?\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;

/**
 * Turns the model's `[n]` markers into citations of the passages it was given: a marker naming no given passage is
 * dropped (a model may invent one), the others are renumbered so `[k]` in the stored text is its k-th citation.
 * `alsoCited` are passages the provider reports using without markers (the offline provider).
 */
export function citeAnswer(text: string, passages: RetrievedPassage[], alsoCited: number[] = []): CitedAnswer {
  const order: number[] = [];
  const renumber = (n: number) => {
    if (n < 1 || n > passages.length) return null;
    if (!order.includes(n)) order.push(n);
    return order.indexOf(n) + 1;
  };
  const rewritten = text.replace(MARKER, (marker, list: string) => {
    const numbers = list.split(',').map((n) => renumber(Number(n.trim())));
    const valid = [...new Set(numbers.filter((n): n is number => n !== null))];
    if (valid.length === 0) return '';
    return `${marker.startsWith(' ') ? ' ' : ''}${valid.map((n) => `[${n}]`).join('')}`;
  });
  for (const n of alsoCited) renumber(n);
  return { text: rewritten, cited: order.map((n) => passages[n - 1] as RetrievedPassage) };
}

const SNIPPET_CHARS = 200;

/** The beginning of a passage, cut at a word. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_CHARS) return flat;
  const cut = flat.slice(0, SNIPPET_CHARS);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 100 ? cut.lastIndexOf(' ') : SNIPPET_CHARS)}…`;
}
