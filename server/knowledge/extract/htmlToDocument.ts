import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { ExtractedDocument } from '../document.js';

/** The part of a DOM node this module reads (linkedom's nodes; the server compiles without the DOM library). */
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}
interface DomElement extends DomNode {
  querySelectorAll(selectors: string): ArrayLike<DomElement & { remove(): void }>;
  querySelector(selectors: string): DomElement | null;
}

/** Never content: code, styling, embedded objects, controls, navigation and what the page hides. */
const NOISE = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'form',
  'button',
  'input',
  'select',
  'textarea',
  'nav',
  '[role=navigation]',
  '[hidden]',
  '[aria-hidden=true]',
].join(',');
/** Page chrome the fallback drops (Readability weighs these itself). */
const CHROME = [
  'header',
  'footer',
  'aside',
  '[role=banner]',
  '[role=contentinfo]',
  '[role=complementary]',
  '[class~=sidebar]',
  '[id=sidebar]',
  '[class~=breadcrumb]',
  '[class~=breadcrumbs]',
  '[class*=cookie-banner]',
  '[id*=cookie-banner]',
].join(',');
/** Below this many characters Readability's pick is not trusted: short pages are read whole, chrome aside. */
const MIN_ARTICLE_CHARS = 200;

const BLOCKS = new Set(
  'ADDRESS ARTICLE ASIDE BLOCKQUOTE DD DIV DL DT FIELDSET FIGCAPTION FIGURE FOOTER HEADER HR LI MAIN OL P SECTION TABLE TBODY THEAD TFOOT TR UL'.split(
    ' ',
  ),
);

export interface HtmlToDocumentOptions {
  /**
   * Keep only the main content (Readability), the default for web pages. Off for HTML that is all content, such as
   * a DOCX converted by mammoth, where Readability's scoring could drop short sections.
   */
  mainContentOnly?: boolean;
}

/**
 * A web page or an HTML document as plain text for chunking: the main content, headings as `#`…`######` lines,
 * paragraphs separated by a blank line, list items as `- ` lines and table rows as cells joined by ` | `.
 */
export function htmlToDocument(html: string, url: string | null, options: HtmlToDocumentOptions = {}): ExtractedDocument {
  let document = parse(html);
  const head = document.querySelector('head');
  const titleTag = clean(head?.querySelector('title')?.textContent ?? '');
  const ogTitle = clean(head?.querySelector('meta[property="og:title"]')?.getAttribute?.('content') ?? '');
  const firstHeading = clean(document.querySelector('h1')?.textContent ?? '');
  removeAll(document, NOISE);

  let content: DomNode | null = null;
  let title = '';
  if (options.mainContentOnly !== false) {
    // Cast through `unknown`: linkedom's document is not the DOM lib's `Document` type where a project includes that lib.
    const readable = document as unknown as ConstructorParameters<typeof Readability>[0];
    const article = new Readability<DomNode>(readable, { serializer: (node) => node as unknown as DomNode }).parse();
    if (article?.content && clean(article.textContent ?? '').length >= MIN_ARTICLE_CHARS) {
      content = article.content;
      title = clean(article.title ?? '');
    } else {
      // Readability rewrote the tree it read: the fallback starts again from the page.
      document = parse(html);
      removeAll(document, `${NOISE},${CHROME}`);
    }
  }
  content ??= document.querySelector('body');
  const text = content ? toText(content) : '';
  return { title: title || titleTag || ogTitle || firstHeading || url || '', url, page: null, text };
}

function removeAll(root: DomElement, selectors: string) {
  for (const node of Array.from(root.querySelectorAll(selectors))) node.remove();
}

type Document = DomElement;

function parse(html: string): Document {
  // A fragment (mammoth's output) gets a body, so it is read like a page.
  const page = /<(html|body)[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  return (parseHTML(page) as unknown as { document: Document }).document;
}

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

type Kind = 'para' | 'item' | 'row' | 'line' | 'pre';

/** Collects inline text into blocks; consecutive list items, table rows and broken lines stay on adjacent lines. */
class TextWriter {
  private readonly blocks: { kind: Kind; text: string; apart?: boolean }[] = [];
  /** The next block starts a new group (a second list or table right after the first). */
  private apart = false;
  private inline = '';
  private inlineKind: Kind = 'para';
  /** A list item has started: its first non-empty block gets the bullet. */
  private bullet = false;

  write(text: string) {
    this.inline += text;
  }

  /** Ends the current block; `next` is the kind the text that follows belongs to. */
  end(next: Kind = 'para') {
    let text = clean(this.inline);
    if (this.inlineKind === 'row') text = text.replace(/\s*\|$/, '');
    if (text) {
      // A paragraph that happens to start like a heading must not become one for the chunker.
      if (/^#{1,6}\s/.test(text)) text = `\\${text}`;
      this.push(this.bullet ? 'item' : this.inlineKind, this.bullet ? `- ${text}` : text);
      this.bullet = false;
    }
    this.inline = '';
    this.inlineKind = next;
  }

  /** A `<br>`: the text before and after it are lines of one block. */
  lineBreak() {
    if (this.inlineKind === 'para') this.inlineKind = 'line';
    this.end('line');
  }

  item() {
    this.end('item');
    this.bullet = true;
  }

  block(kind: Kind, text: string) {
    this.end();
    if (text.trim()) this.push(kind, text);
  }

  /** Ends a list or a table: what follows is not one of its lines. */
  endGroup() {
    this.end();
    this.apart = true;
  }

  private push(kind: Kind, text: string) {
    this.blocks.push({ kind, text, apart: this.apart });
    this.apart = false;
  }

  toString() {
    this.end();
    let out = '';
    let previous: Kind | null = null;
    for (const { kind, text, apart } of this.blocks) {
      const tight = !apart && kind === previous && (kind === 'item' || kind === 'row' || kind === 'line');
      out += previous === null ? text : `${tight ? '\n' : '\n\n'}${text}`;
      previous = kind;
    }
    return out;
  }
}

function toText(root: DomNode): string {
  const writer = new TextWriter();
  walk(root, writer);
  return writer.toString();
}

const LIST = new Set(['UL', 'OL']);

/** `inItem`: inside a list item, where a nested list continues the outer one. */
function walk(node: DomNode, writer: TextWriter, inItem = false) {
  if (node.nodeType === 3) {
    writer.write(node.textContent ?? '');
    return;
  }
  if (node.nodeType !== 1) return;
  const tag = node.nodeName.toUpperCase();
  const heading = /^H([1-6])$/.exec(tag);
  if (heading) {
    writer.block('para', `${'#'.repeat(Number(heading[1]))} ${clean(node.textContent ?? '')}`);
    return;
  }
  if (tag === 'PRE') {
    writer.block('pre', (node.textContent ?? '').replace(/^\n+|\s+$/g, ''));
    return;
  }
  if (tag === 'BR') {
    writer.lineBreak();
    return;
  }
  if (tag === 'IMG') return;
  const children = Array.from(node.childNodes);
  if (tag === 'LI') {
    writer.item();
    for (const child of children) walk(child, writer, true);
    writer.end('item');
    return;
  }
  if (tag === 'TD' || tag === 'TH') {
    for (const child of children) walk(child, writer, inItem);
    writer.write(' | ');
    return;
  }
  const block = BLOCKS.has(tag);
  if (block) writer.end(tag === 'TR' ? 'row' : LIST.has(tag) ? 'item' : 'para');
  for (const child of children) walk(child, writer, inItem);
  if ((LIST.has(tag) && !inItem) || tag === 'TABLE') writer.endGroup();
  else if (block) writer.end(tag === 'TR' ? 'row' : 'para');
}
