import { safeUrl } from '../safeUrl.js';
import type { MarkdownNode } from './MarkdownNode.js';

// Code first (its content is literal), then strong, emphasis, links and bare URLs; the leftmost match wins.
const INLINE =
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|(\*\*|__)(?=\S)([\s\S]*?\S)\3|\*(?=\S)([\s\S]*?\S)\*|\b_(?=\S)([\s\S]*?\S)_\b|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

/** Inline markdown (code, strong, emphasis, links, bare URLs) as nodes; everything else stays text. */
export function parseInline(text: string): MarkdownNode[] {
  const out: MarkdownNode[] = [];
  let rest = text;
  for (let m = INLINE.exec(rest); m; m = INLINE.exec(rest)) {
    lines(out, rest.slice(0, m.index));
    const [all, , code, , strong, em1, em2, label, href, bare] = m;
    // One space on each side of a code span is padding, so `` `x` `` can show backticks.
    if (code !== undefined) out.push({ type: 'code', children: [code.replace(/^ ([\s\S]*\S[\s\S]*) $/, '$1')] });
    else if (strong) out.push({ type: 'strong', children: parseInline(strong) });
    else if (em1 ?? em2) out.push({ type: 'em', children: parseInline((em1 ?? em2)!) });
    else {
      const url = safeUrl(href ?? bare!);
      const children = label === undefined ? [bare!] : parseInline(label);
      // A refused URL keeps its label as plain text, so the reader still sees what was written.
      if (url) out.push({ type: 'a', href: url, children });
      else out.push(...children);
    }
    rest = rest.slice(m.index + all.length);
  }
  lines(out, rest);
  return out;
}

/** Single newlines are kept as line breaks (chat answers rely on them). */
function lines(out: MarkdownNode[], text: string): void {
  text.split('\n').forEach((line, i) => {
    if (i) out.push({ type: 'br' });
    if (line) out.push(line);
  });
}
