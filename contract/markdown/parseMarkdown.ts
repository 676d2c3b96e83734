import type { MarkdownNode } from './MarkdownNode.js';
import { parseInline } from './parseInline.js';

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
/** A bullet (`-`, `*`, `+`) or numbered (`1.`, `1)`) item; indented items join the list (no nesting). */
const ITEM = /^\s*(?:[-*+]|(\d{1,9})[.)])\s+(.*)$/;
/** What ends a paragraph: the start of any other block. */
const startsBlock = (line: string) => [FENCE, HEADING, ITEM].some((block) => block.test(line));

/**
 * The one markdown grammar (widget and dashboard): paragraphs (single newlines kept as line breaks), headings, bullet
 * and numbered lists, fenced and inline code, strong, emphasis, links and bare URLs. No HTML, quotes, tables,
 * images or nesting: anything unrecognised stays text, which is the safe failure. See docs/widget-markdown.md.
 */
export function parseMarkdown(source: string): MarkdownNode[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    const heading = HEADING.exec(line);
    const item = ITEM.exec(line);
    const body: string[] = [];
    if (fence) {
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence[1]!); i++) body.push(lines[i]!);
      i++;
      blocks.push({ type: 'pre', children: [{ type: 'code', children: [body.join('\n')], lang: fence[2]! }] });
    } else if (heading) {
      blocks.push({ type: 'heading', level: heading[1]!.length, children: parseInline(heading[2]!) });
      i++;
    } else if (item) {
      const children: MarkdownNode[] = [];
      // The list goes on while items of the same kind (bullet or numbered) follow one another.
      for (let m: RegExpExecArray | null = item; m && !m[1] === !item[1]; m = ITEM.exec(lines[i] ?? '')) {
        let text = m[2]!;
        // Indented lines that are not items continue the item, on a new line.
        for (i++; i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !ITEM.test(lines[i]!); i++) text += `\n${lines[i]!.trim()}`;
        children.push({ type: 'li', children: parseInline(text) });
      }
      blocks.push({ type: item[1] ? 'ol' : 'ul', start: Number(item[1] ?? 1), children });
    } else if (!line.trim()) {
      i++;
    } else {
      for (body.push(line), i++; i < lines.length && lines[i]!.trim() && !startsBlock(lines[i]!); i++) body.push(lines[i]!);
      blocks.push({ type: 'p', children: parseInline(body.join('\n')) });
    }
  }
  return blocks;
}
