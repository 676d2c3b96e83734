import { fileTypeFromBuffer } from 'file-type';
import mammoth from 'mammoth';
import { getDocumentProxy } from 'unpdf';
import type { KnowledgeFileType } from '../../../contract/limits.js';
import { AppError } from '../../lib/AppError.js';
import type { ExtractedDocument } from '../document.js';
import { htmlToDocument } from './htmlToDocument.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A file an extraction cannot read: the source fails with this, and nothing of it is stored. */
export const unreadable = (code: string, message: string) => new AppError(422, code, message);

const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body)\b/i;
const MARKDOWN_HINT = /^(#{1,6}\s+\S|[-*]\s+\S|\d+\.\s+\S|```|>\s)/m;

/**
 * The file's type, from its bytes: PDF and DOCX by their signatures (a zip named `.docx` is read as one); otherwise text (valid UTF-8 without NUL bytes),
 * told apart as HTML (it starts like an HTML document), Markdown (a `.md` name or Markdown block syntax) or plain
 * text. `null`: none of these (415).
 */
export async function sniffKnowledgeFile(data: Buffer, filename: string): Promise<KnowledgeFileType | null> {
  const sniffed = await fileTypeFromBuffer(data);
  if (sniffed?.mime === 'application/pdf') return 'application/pdf';
  if (sniffed?.mime === DOCX) return DOCX;
  // A zip named .docx that file-type cannot place (a damaged one): the Word reader tries it and says what is wrong.
  if (sniffed?.mime === 'application/zip' && /\.docx$/i.test(filename)) return DOCX;
  if (sniffed) return null; // an image, an archive, an executable …
  const head = data.subarray(0, 64 * 1024);
  if (head.includes(0)) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastCompleteChar(head)));
  } catch {
    return null;
  }
  if (HTML_START.test(text)) return 'text/html';
  if (/\.(md|markdown)$/i.test(filename) || MARKDOWN_HINT.test(text)) return 'text/markdown';
  return 'text/plain';
}

/** Where the last whole UTF-8 character of a cut-off buffer ends (so a sample is not refused for a split character). */
function lastCompleteChar(bytes: Buffer): number {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (needed > back) end -= back;
    break;
  }
  return end;
}

const stripBom = (text: string) => text.replace(/^\uFEFF/, '');

/** Markdown as the chunker reads it: headings kept, links and images reduced to their text, emphasis marks dropped. */
export function markdownToText(markdown: string): string {
  return stripBom(markdown)
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/^```.*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

async function pdfToDocuments(data: Buffer, title: string): Promise<ExtractedDocument[]> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(data), { verbosity: 0 });
  } catch (error) {
    if ((error as Error)?.name === 'PasswordException')
      throw unreadable('document_encrypted', 'The PDF is protected by a password: upload a copy without one');
    throw unreadable('document_unreadable', 'The PDF could not be read (it may be damaged)');
  }
  try {
    const documents: ExtractedDocument[] = [];
    for (let page = 1; page <= pdf.numPages; page++) {
      const content = await (await pdf.getPage(page)).getTextContent();
      const text = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
        .join('')
        .replace(/[ \t]+\n/g, '\n')
        .trim();
      documents.push({ title, url: null, page, text });
    }
    return documents;
  } finally {
    await pdf.cleanup();
  }
}

async function docxToDocuments(data: Buffer, title: string): Promise<ExtractedDocument[]> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: data })).value;
  } catch {
    throw unreadable('document_unreadable', 'The Word document could not be read (it may be damaged)');
  }
  const document = htmlToDocument(`<html><head><title></title></head><body>${html}</body></html>`, null, {
    mainContentOnly: false,
  });
  return [{ ...document, title }];
}

/**
 * A stored file as documents for the chunker: one per PDF page (numbered from 1), one for any other file. The title
 * is the file's own (an HTML `<title>`) or the given one. Throws `unreadable` for a protected or damaged file.
 */
export async function fileToDocuments(data: Buffer, type: KnowledgeFileType, title: string): Promise<ExtractedDocument[]> {
  switch (type) {
    case 'application/pdf':
      return pdfToDocuments(data, title);
    case DOCX:
      return docxToDocuments(data, title);
    case 'text/html': {
      const document = htmlToDocument(data.toString('utf8'), null, { mainContentOnly: false });
      return [{ ...document, title: document.title || title, url: null, page: null }];
    }
    case 'text/markdown':
      return [{ title, url: null, page: null, text: markdownToText(data.toString('utf8')) }];
    default:
      return [{ title, url: null, page: null, text: stripBom(data.toString('utf8')) }];
  }
}
