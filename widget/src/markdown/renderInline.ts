import { type ComponentChildren, h } from 'preact';
import { safeUrl } from './safeUrl.js';

// Code first (its content is literal), then strong, emphasis, links and bare URLs.
const INLINE =
  /(`+)([^`][\s\S]*?)\1|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=\S)([\s\S]*?\S)\*|\b_(?=\S)([\s\S]*?\S)_\b|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

/** Inline markdown to Preact nodes. Text is always a string child, so Preact escapes it; no HTML is ever parsed. */
export function renderInline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let rest = text;
  for (let m = INLINE.exec(rest); m; m = INLINE.exec(rest)) {
    if (m.index) out.push(...lines(rest.slice(0, m.index)));
    const [all, , code, strong1, strong2, em1, em2, label, href, bare] = m;
    if (code !== undefined) out.push(h('code', null, code.trim() ? code.replace(/^ (.*) $/, '$1') : code));
    else if (strong1 ?? strong2) out.push(h('strong', null, renderInline((strong1 ?? strong2)!)));
    else if (em1 ?? em2) out.push(h('em', null, renderInline((em1 ?? em2)!)));
    else out.push(label === undefined ? link([bare!], bare!) : link(renderInline(label), href!));
    rest = rest.slice(m.index + all.length);
  }
  if (rest) out.push(...lines(rest));
  return out;
}

function link(label: ComponentChildren[], href: string): ComponentChildren {
  const url = safeUrl(href);
  // A refused URL keeps its label as plain text, so the reader still sees what was written.
  if (!url) return label;
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label);
}

/** Single newlines inside a paragraph are kept as line breaks (chat answers rely on them). */
function lines(text: string): ComponentChildren[] {
  return text.split('\n').flatMap((line, i) => (i ? [h('br', null), line] : [line]));
}
