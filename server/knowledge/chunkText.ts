import { createHash } from 'node:crypto';
import type { ExtractedDocument } from './document.js';

/** A passage cut from one document, with where it came from. */
export interface TextChunk {
  title: string;
  url: string | null;
  page: number | null;
  /** The document title, then the headings above the passage. */
  headingPath: string[];
  text: string;
  /** sha256 of the normalized text (`normalizeForHash`): equal passages have equal hashes. */
  hash: string;
}

export interface ChunkOptions {
  /** A passage's target length in words; a section longer than this is split. */
  targetWords?: number;
  /** The hard ceiling in words (a single sentence longer than this is cut at word boundaries). */
  maxWords?: number;
  /** Words repeated from the end of the previous piece when a long section is split, so a sentence keeps its context. */
  overlapWords?: number;
  /** Sections shorter than this are merged into the next one under the same parent heading. */
  minWords?: number;
}

const DEFAULTS: Required<ChunkOptions> = { targetWords: 250, maxWords: 400, overlapWords: 30, minWords: 40 };

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

export const normalizeForHash = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
export const hashText = (text: string) => createHash('sha256').update(normalizeForHash(text)).digest('hex');

const words = (text: string) => text.split(/\s+/).filter(Boolean);
const countWords = (text: string) => words(text).length;

interface Section {
  headings: string[];
  paragraphs: string[];
}

/** Splits the text at its Markdown-style headings, keeping the path of headings above each section. */
function sections(text: string): Section[] {
  const result: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let current: Section = { headings: [], paragraphs: [] };
  let paragraph: string[] = [];
  const endParagraph = () => {
    const joined = paragraph.join('\n').trim();
    if (joined) current.paragraphs.push(joined);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      if (current.paragraphs.length) result.push(current);
      const level = (heading[1] as string).length;
      while (path.length && (path[path.length - 1] as { level: number }).level >= level) path.pop();
      path.push({ level, text: (heading[2] as string).trim() });
      current = { headings: path.map((h) => h.text), paragraphs: [] };
    } else if (line.trim() === '') endParagraph();
    else paragraph.push(line);
  }
  endParagraph();
  if (current.paragraphs.length) result.push(current);
  return result;
}

/** Sentences of a paragraph (a period, question or exclamation mark followed by a space and a capital or digit). */
const sentences = (paragraph: string) => paragraph.split(/(?<=[.!?])\s+(?=[A-Z0-9"“(])/);

/** Units no longer than `maxWords`: paragraphs, or their sentences, or runs of words. */
function units(paragraphs: string[], maxWords: number): string[] {
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    if (countWords(paragraph) <= maxWords) {
      out.push(paragraph);
      continue;
    }
    for (const sentence of sentences(paragraph)) {
      const w = words(sentence);
      for (let i = 0; i < w.length; i += maxWords) out.push(w.slice(i, i + maxWords).join(' '));
    }
  }
  return out;
}

/** Packs a section's units into pieces of about `targetWords`, each after the first starting with a short overlap. */
function pack(section: Section, o: Required<ChunkOptions>): string[] {
  const pieces: string[] = [];
  let current: string[] = [];
  let count = 0;
  for (const unit of units(section.paragraphs, o.maxWords - o.overlapWords)) {
    const n = countWords(unit);
    if (count > 0 && count + n > o.targetWords) {
      pieces.push(current.join('\n\n'));
      const tail = words(current.join(' ')).slice(-o.overlapWords).join(' ');
      current = o.overlapWords > 0 && tail ? [`… ${tail}`] : [];
      count = countWords(current.join(' '));
    }
    current.push(unit);
    count += n;
  }
  if (current.length) pieces.push(current.join('\n\n'));
  return pieces;
}

/**
 * Cuts a document into passages of a few hundred words along its headings: a long section is split at paragraphs,
 * then sentences, with a small overlap; short sibling sections are merged. Each passage carries the document title
 * and its heading path. Empty documents give no passages.
 */
export function chunkText(document: ExtractedDocument, options: ChunkOptions = {}): TextChunk[] {
  const o = { ...DEFAULTS, ...options };
  const title = document.title.trim() || document.url || 'Untitled';
  // Merge a short section into the next one when they share a parent, so tiny sections do not become tiny chunks.
  const merged: Section[] = [];
  for (const section of sections(document.text)) {
    const last = merged[merged.length - 1];
    const sameParent = last && last.headings.slice(0, -1).join('\u0000') === section.headings.slice(0, -1).join('\u0000');
    if (last && sameParent && countWords(last.paragraphs.join(' ')) < o.minWords) {
      const heading = section.headings[section.headings.length - 1];
      last.paragraphs.push(...(heading ? [heading] : []), ...section.paragraphs);
    } else merged.push({ headings: [...section.headings], paragraphs: [...section.paragraphs] });
  }
  const chunks: TextChunk[] = [];
  for (const section of merged) {
    const headingPath = section.headings[0] === title ? section.headings : [title, ...section.headings];
    for (const text of pack(section, o))
      chunks.push({ title, url: document.url, page: document.page, headingPath, text, hash: hashText(text) });
  }
  return chunks;
}
