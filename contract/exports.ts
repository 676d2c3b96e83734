import { z } from 'zod';
import { AdminConversation, ConversationListQuery } from './admin.js';
import { Message } from './messages.js';

export const ExportFormat = z.enum(['csv', 'ndjson', 'json']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** The conversation list's filter (the same schema, without paging) and a format. */
export const ExportQuery = ConversationListQuery.omit({ limit: true, cursor: true }).extend({
  format: ExportFormat.default('csv'),
});
export type ExportQuery = z.input<typeof ExportQuery>;

/** One conversation of an NDJSON line or of the JSON array: the list's fields with every message. */
export const ExportedConversation = AdminConversation.omit({ thumbnailUrl: true }).extend({ messages: z.array(Message) });
export type ExportedConversation = z.infer<typeof ExportedConversation>;

/** The CSV's columns: one row per message, with its conversation's fields repeated. */
export const EXPORT_CSV_COLUMNS = [
  'conversation_id',
  'site_id',
  'visitor_id',
  'conversation_title',
  'conversation_created_at',
  'page_url',
  'user_id',
  'user_email',
  'lead_name',
  'lead_email',
  'lead_captured_at',
  'message_id',
  'role',
  'author',
  'status',
  'created_at',
  'text',
  'feedback',
  'grounded',
  'citations',
  'image_urls',
] as const;
