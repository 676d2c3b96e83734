import type { ReactNode } from 'react';
import type { MarkdownNode } from '../../../../contract/markdown/MarkdownNode.js';
import { parseMarkdown } from '../../../../contract/markdown/parseMarkdown.js';

// Keys: static text, so a node's position is its identity.
function render(node: MarkdownNode, key: string): ReactNode {
  if (typeof node === 'string') return node;
  const children = (nodes: MarkdownNode[]) => nodes.map((child, n) => render(child, `${key}-${n}`));
  switch (node.type) {
    case 'br':
      return <br key={key} />;
    case 'code':
      return (
        <code key={key} data-lang={node.lang || undefined}>
          {node.children[0]}
        </code>
      );
    case 'a':
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
          {children(node.children)}
        </a>
      );
    case 'heading': {
      // Transcript headings sit below the page's own h1/h2, so they start at h3.
      const Tag = (['h3', 'h4', 'h5', 'h6'] as const)[Math.min(node.level, 4) - 1] ?? 'h6';
      return <Tag key={key}>{children(node.children)}</Tag>;
    }
    case 'ol':
      return (
        <ol key={key} start={node.start === 1 ? undefined : node.start}>
          {children(node.children)}
        </ol>
      );
    default: {
      const Tag = node.type;
      return <Tag key={key}>{children(node.children)}</Tag>;
    }
  }
}

/**
 * The dashboard's rendering of the one markdown grammar (contract/markdown) as React elements, never HTML strings, so
 * raw HTML in visitor or model text shows as text; links have passed the protocol allow-list.
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  return <div className={className ?? 'markdown'}>{parseMarkdown(source).map((node, n) => render(node, `b${n}`))}</div>;
}
