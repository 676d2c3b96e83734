import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_CSV_COLUMNS, type ExportedConversation } from '../../../contract/exports.js';
import type { Message } from '../../../contract/messages.js';
import { json } from '../../test/json.js';
import { PAGE_ORIGIN, uploadImage } from '../../test/reliability/seedTenant.js';
import { startTestApp } from '../../test/testApp.js';

/** Exports over HTTP on the real database, parsed back (a real CSV parser) and compared with what is stored. */
const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const site = await app.createSite({
  name: 'Export',
  allowedOrigins: [PAGE_ORIGIN],
  faq: [{ question: 'When do you open?', answer: 'We open at nine, "sharp", every day.' }],
});
const other = await app.createSite({ name: 'Other', allowedOrigins: [PAGE_ORIGIN] });
const visitor = await app.startVisitor(site.publicKey);
const conversation = await visitor.newConversation();
const upload = await uploadImage(app, visitor.token, { conversationId: conversation.id });
const image = await json(upload);
// Cells a spreadsheet would run, and text that needs quoting: commas, quotes, line breaks.
const HOSTILE = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2', '@SUM(A1)', 'Comma, "quote"\nnew line'];
await visitor.send(conversation.id, 'When do you open?', 'e-0', [image.id]);
for (const [i, text] of HOSTILE.entries()) await visitor.send(conversation.id, text, `e-${i + 1}`);
const otherVisitor = await app.startVisitor(other.publicKey);
const otherConversation = await otherVisitor.newConversation();
await otherVisitor.send(otherConversation.id, 'Only on the other site', 'o-1');

/** Every stored message of a conversation, oldest first, as the admin API gives them. */
async function stored(id: string): Promise<Message[]> {
  return (await json(await app.admin(`/v1/admin/conversations/${id}/messages?limit=100`))).items;
}
const exportOf = (query: string) => app.admin(`/v1/admin/exports/conversations?${query}`);

describe('GET /v1/admin/exports/conversations', () => {
  it('CSV: one row per message, quoted as RFC 4180, formula cells escaped, equal to the stored data', async () => {
    const res = await exportOf(`format=csv&siteId=${site.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="conversations-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    const rows = parseCsv(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...EXPORT_CSV_COLUMNS]);
    const messages = await stored(conversation.id);
    expect(messages).toHaveLength(12);
    expect(rows.map((r) => r.message_id)).toEqual(messages.map((m) => m.id));
    for (const [i, row] of rows.entries()) {
      const message = messages[i] as Message;
      const escaped = /^[=+\-@\t\r]/.test(message.text) ? `'${message.text}` : message.text;
      expect(row).toMatchObject({
        conversation_id: conversation.id,
        site_id: site.id,
        role: message.role,
        status: message.status,
        created_at: message.createdAt,
        text: escaped,
        image_urls: message.images.map((img) => img.url).join(' '),
      });
    }
    // Each hostile question is there, neutralized where a spreadsheet would run it, and intact otherwise.
    const questions = rows.filter((r) => r.role === 'user').map((r) => r.text);
    expect(questions).toEqual([
      'When do you open?',
      `'=HYPERLINK("http://evil.example","click")`,
      "'+1+1",
      "'-2",
      "'@SUM(A1)",
      'Comma, "quote"\nnew line',
    ]);
    // The grounded answer keeps its citation; the image's URL is the stored one.
    const answer = rows[1] as Record<string, string>;
    expect(answer.grounded).toBe('true');
    expect(answer.citations).toContain('When do you open?');
    expect(rows[0]?.image_urls).toBe(image.url);
    expect(text).not.toContain('Only on the other site');
  });

  it('NDJSON and JSON: every conversation with all its messages, equal to the API’s own views', async () => {
    const ndjson = await exportOf('format=ndjson');
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await ndjson.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ExportedConversation);
    const asJson = await exportOf('format=json');
    expect(asJson.headers.get('content-disposition')).toMatch(/\.json"$/);
    const array = (await asJson.json()) as ExportedConversation[];
    expect(array).toEqual(lines);
    expect(lines.map((c) => c.id).sort()).toEqual([conversation.id, otherConversation.id].sort());
    for (const exported of lines) {
      const { thumbnailUrl: _t, ...view } = await json(await app.admin(`/v1/admin/conversations/${exported.id}`));
      const { messages: _m, messagesCursor: _c, ...fields } = view;
      expect(exported).toMatchObject(fields);
      expect(exported.messages).toEqual(await stored(exported.id));
    }
  });

  it('applies the conversation list’s filter (site, search, rating, images) and refuses what the list refuses', async () => {
    const ids = async (query: string) =>
      ((await (await exportOf(`format=json&${query}`)).json()) as ExportedConversation[]).map((c) => c.id);
    expect(await ids(`siteId=${other.id}`)).toEqual([otherConversation.id]);
    expect(await ids('q=other%20site')).toEqual([otherConversation.id]);
    expect(await ids('hasImages=true')).toEqual([conversation.id]);
    expect(await ids('rating=up')).toEqual([]);
    expect(await ids('from=2099-01-01T00:00:00Z')).toEqual([]);
    for (const query of ['format=xlsx', 'limit=5', 'cursor=abc', 'siteId=nothex', 'hasImages=yes', 'q=']) {
      const res = await exportOf(query);
      expect(`${query} → ${res.status}`).toBe(`${query} → 400`);
      expect((await json(res)).error.code).toBe('invalid_request');
    }
    // An empty result is a file with the header only.
    const empty = await (await exportOf('format=csv&from=2099-01-01T00:00:00Z')).text();
    expect(parseCsv(empty, { bom: true })).toEqual([[...EXPORT_CSV_COLUMNS]]);
    expect(await (await exportOf('format=json&from=2099-01-01T00:00:00Z')).json()).toEqual([]);
  });
});
