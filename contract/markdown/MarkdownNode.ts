// The node tree the one markdown parser produces. Node types are the HTML elements both UIs render (`heading` aside:
// each UI shows it its own way), so a renderer is a small map to its framework's elements. Text is only ever a string
// and a link's href has passed the URL allow-list, so such a renderer cannot produce markup from the source.
export type MarkdownNode =
  | string
  | { type: 'br' }
  | { type: 'p' | 'li' | 'strong' | 'em' | 'pre'; children: MarkdownNode[] }
  | { type: 'code'; children: [string] /** A fenced block's language, when given. */; lang?: string }
  | { type: 'heading'; level: number; children: MarkdownNode[] }
  | { type: 'ul' | 'ol'; start: number; children: MarkdownNode[] }
  | { type: 'a'; href: string; children: MarkdownNode[] };
