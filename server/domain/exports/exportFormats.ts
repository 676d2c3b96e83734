import { Readable, type Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
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

async function* csvRecords(conversations: AsyncIterable<ExportedConversation>) {
  for await (const conversation of conversations)
    for (const row of csvRows(conversation))
      yield Object.fromEntries(Object.entries(row).map(([key, value]) => [key, neutralizeFormula(value)]));
}

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * The export as a byte stream that reads the conversations only as fast as it is consumed (backpressure), so memory
 * stays flat whatever the size. Pipe it with `pipeline` into the response.
 */
export function exportStreams(
  format: ExportFormat,
  conversations: AsyncIterable<ExportedConversation>,
): (Readable | Transform)[] {
  if (format === 'json') return [Readable.from(jsonArray(conversations))];
  if (format === 'ndjson') return [Readable.from(ndjson(conversations))];
  // RFC 4180: CRLF line ends, quotes where needed (commas, quotes, line breaks), a header row; a BOM for spreadsheets.
  return [
    Readable.from(csvRecords(conversations)),
    stringify({ header: true, columns: [...EXPORT_CSV_COLUMNS], record_delimiter: 'windows', bom: true }),
  ];
}
