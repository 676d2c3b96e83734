import { type ComponentChildren, h } from 'preact';
import type { MarkdownNode } from '../../../contract/markdown/MarkdownNode.js';
import { parseMarkdown } from '../../../contract/markdown/parseMarkdown.js';

// Unkeyed: a streaming answer only appends, so a node's position is its identity. Text is always a string child,
// which Preact escapes.
const render = (node: MarkdownNode): ComponentChildren =>
  typeof node === 'string'
    ? node
    : node.type === 'heading'
      ? h('p', null, h('strong', null, node.children.map(render)))
      : h(
          node.type,
          node.type === 'a'
            ? { href: node.href, target: '_blank', rel: 'noopener noreferrer' }
            : node.type === 'ol' && node.start !== 1
              ? { start: node.start }
              : null,
          node.type === 'br' ? null : node.children.map(render),
        );

/**
 * The widget's rendering of the one markdown grammar (contract/markdown) as Preact nodes, never an HTML string;
 * headings are shown bold. See docs/widget-markdown.md for why it is hand-written.
 */
export function Markdown({ text }: { text: string }): ComponentChildren {
  return parseMarkdown(text).map(render);
}
