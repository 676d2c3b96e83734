/**
 * What extraction yields and chunking reads: one per web page, per PDF page, or per other file. `text` is plain text
 * whose Markdown-style headings (`#`, `##`, …, each on its own line) mark the sections the chunker splits along.
 */
export interface ExtractedDocument {
  /** The page's or file's title (the chunker prefixes each chunk's heading path with it). */
  title: string;
  /** Where a citation links to: the page's final URL; null for files and text snippets. */
  url: string | null;
  /** The page number within a document (PDF), counted from 1; null otherwise. */
  page: number | null;
  text: string;
}
