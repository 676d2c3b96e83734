import type { ReactNode } from 'react';
import { safeUrl } from '../safeUrl.js';

// Ordered alternatives: code first (its content is literal), then links, autolinks, strong, emphasis.
const INLINE =
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\*\*(?=\S)([\s\S]+?\S)\*\*|__(?=\S)([\s\S]+?\S)__|\*(?=\S)([\s\S]+?\S)\*|\b_(?=\S)([\s\S]+?\S)_\b/g;

function link(href: string, children: ReactNode, key: string): ReactNode {
  const url = safeUrl(href);
  // A refused URL keeps its visible text only, so the reader still sees what was written.
  if (!url) return <span key={key}>{children}</span>;
  return (
    <a key={key} href={url} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

/** Inline markdown (code, links, bold, italics) as React nodes; everything else stays text. */
export function renderInline(text: string, keyPrefix = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let index = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index ?? 0;
    if (start > last) out.push(text.slice(last, start));
    const key = `${keyPrefix}-${index++}`;
    const [whole, , code, linkText, linkHref, autolink, strongA, strongB, emA, emB] = match;
    if (code !== undefined) out.push(<code key={key}>{code}</code>);
    else if (linkText !== undefined && linkHref !== undefined) out.push(link(linkHref, renderInline(linkText, key), key));
    else if (autolink !== undefined) out.push(link(autolink, autolink, key));
    else if (strongA !== undefined || strongB !== undefined)
      out.push(<strong key={key}>{renderInline(strongA ?? strongB ?? '', key)}</strong>);
    else if (emA !== undefined || emB !== undefined) out.push(<em key={key}>{renderInline(emA ?? emB ?? '', key)}</em>);
    else out.push(whole);
    last = start + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
