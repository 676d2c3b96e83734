import { Readable } from 'node:stream';
import { EXPORT_CSV_COLUMNS, type ExportedConversation, type ExportFormat } from '../../../contract/exports.js';

/** What a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) is made text with a `'`. */
export const neutralizeFormula = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

type CsvColumn = (typeof EXPORT_CSV_COLUMNS)[number];

/** One CSV row per message, its conversation's fields repeated (a conversation without messages: one row). */
function* csvRows(conversation: ExportedConversation): Generator<Record<CsvColumn, string>> {
  const base = {
    conversation_id: conversation.id,
    site_id: conversation.siteId,
    visitor_id: conversation.visitorId,
    conversation_title: conversation.title,
    conversation_created_at: conversation.createdAt,
    page_url: conversation.pageUrl ?? '',
    user_id: conversation.user?.id ?? '',
    user_email: conversation.email ?? '',
    lead_name: conversation.lead?.name ?? '',
    lead_email: conversation.lead?.email ?? '',
    lead_captured_at: conversation.lead?.capturedAt ?? '',
  };
  const empty = { message_id: '', role: '', author: '', status: '', created_at: '', text: '', feedback: '', grounded: '' };
  if (!conversation.messages.length) yield { ...base, ...empty, citations: '', image_urls: '' };
  for (const message of conversation.messages) {
    yield {
      ...base,
      message_id: message.id,
      role: message.role,
      author: message.author?.name ?? '',
      status: message.status,
      created_at: message.createdAt,
      text: message.text,
      feedback: message.feedback ?? '',
      grounded: message.role === 'assistant' ? String(message.grounded) : '',
      citations: message.citations
        .map((c, i) => [`[${i + 1}] ${c.title}`, c.url, c.page ? `p. ${c.page}` : null].filter(Boolean).join(' '))
        .join('\n'),
      image_urls: message.images.map((image) => image.url).join(' '),
    };
  }
}

/** RFC 4180: a cell holding a comma, a quote or a line break is quoted, its quotes doubled. */
const csvCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
const csvLine = (cells: Iterable<string>) => `${Array.from(cells, csvCell).join(',')}\r\n`;

/** Each conversation's rows as one piece of text (formula cells neutralized), after a BOM and the header row. */
async function* csv(conversations: AsyncIterable<ExportedConversation>): AsyncGenerator<string> {
  // The BOM tells spreadsheets the file is UTF-8; CRLF line ends as RFC 4180 writes them.
  yield `\ufeff${csvLine(EXPORT_CSV_COLUMNS)}`;
  for await (const conversation of conversations) {
    let rows = '';
    for (const row of csvRows(conversation)) rows += csvLine(EXPORT_CSV_COLUMNS.map((column) => neutralizeFormula(row[column])));
    yield rows;
  }
}

async function* jsonArray(conversations: AsyncIterable<ExportedConversation>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const conversation of conversations) {
    yield (first ? '\n' : ',\n') + JSON.stringify(conversation);
    first = false;
  }
  yield '\n]\n';
}

async function* ndjson(conversations: AsyncIterable<ExportedConversation>): AsyncGenerator<string> {
  for await (const conversation of conversations) yield `${JSON.stringify(conversation)}\n`;
}

/** Pieces of text joined into chunks of about `size` characters: one write per chunk rather than per conversation. */
async function* coalesced(pieces: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let chunk = '';
  for await (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const FORMATS: Record<ExportFormat, (conversations: AsyncIterable<ExportedConversation>) => AsyncIterable<string>> = {
  csv,
  ndjson,
  json: jsonArray,
};

/**
 * The export as a byte stream that reads the conversations only as fast as it is consumed (backpressure), so memory
 * stays flat whatever the size. Pipe it with `pipeline` into the response.
 */
export function exportStream(format: ExportFormat, conversations: AsyncIterable<ExportedConversation>): Readable {
  return Readable.from(coalesced(FORMATS[format](conversations)));
}
