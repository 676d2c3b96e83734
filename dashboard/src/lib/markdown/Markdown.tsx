import type { ReactNode } from 'react';
import { renderInline } from './renderInline.js';

type Block =
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'paragraph'; text: string };

const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;

/** Splits markdown into blocks: fenced code, headings, lists, quotes, paragraphs. */
export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(fence[1] ?? '```')) body.push(lines[i++] ?? '');
      i++;
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: Math.min(heading[1]?.length ?? 1, 4) as 1 | 2 | 3 | 4, text: heading[2] ?? '' });
      i++;
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = !bullet;
      const pattern = ordered ? NUMBERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const item = pattern.exec(current);
        if (item) items.push((ordered ? item[2] : item[1]) ?? '');
        else if (current.trim() !== '' && /^\s+/.test(current) && items.length > 0)
          items[items.length - 1] += ` ${current.trim()}`;
        else break;
        i++;
      }
      blocks.push({ kind: 'list', ordered, start: ordered ? Number(numbered?.[1] ?? 1) : 1, items });
      continue;
    }
    if (line.startsWith('>')) {
      const body: string[] = [];
      while (i < lines.length && (lines[i] ?? '').startsWith('>')) body.push((lines[i++] ?? '').replace(/^>\s?/, ''));
      blocks.push({ kind: 'quote', text: body.join('\n') });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length) {
      const current = lines[i] ?? '';
      if (
        current.trim() === '' ||
        FENCE.test(current) ||
        HEADING.test(current) ||
        BULLET.test(current) ||
        current.startsWith('>')
      )
        break;
      body.push(current);
      i++;
    }
    blocks.push({ kind: 'paragraph', text: body.join('\n') });
  }
  return blocks;
}

function withBreaks(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  text.split('\n').forEach((line, n) => {
    // biome-ignore lint/suspicious/noArrayIndexKey: static text; a line's position is its identity
    if (n > 0) out.push(<br key={`${key}-br${n}`} />);
    out.push(...renderInline(line, `${key}-${n}`));
  });
  return out;
}

function renderBlock(block: Block, key: string): ReactNode {
  switch (block.kind) {
    case 'code':
      return (
        <pre key={key}>
          <code data-lang={block.lang || undefined}>{block.text}</code>
        </pre>
      );
    case 'heading': {
      // Transcript headings sit below the page's own h1/h2, so they start at h3.
      const Tag = (['h3', 'h4', 'h5', 'h6'] as const)[block.level - 1] ?? 'h6';
      return <Tag key={key}>{renderInline(block.text, key)}</Tag>;
    }
    case 'list': {
      // biome-ignore lint/suspicious/noArrayIndexKey: static text; an item's position is its identity
      const items = block.items.map((item, n) => <li key={`${key}-${n}`}>{renderInline(item, `${key}-${n}`)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'quote':
      return <blockquote key={key}>{withBreaks(block.text, key)}</blockquote>;
    case 'paragraph':
      return <p key={key}>{withBreaks(block.text, key)}</p>;
  }
}

/**
 * The dashboard's one markdown renderer: builds React elements, never HTML strings, so raw HTML in
 * visitor or model text shows as text; links go through the protocol allow-list.
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  return <div className={className ?? 'markdown'}>{parseBlocks(source).map((block, n) => renderBlock(block, `b${n}`))}</div>;
}
