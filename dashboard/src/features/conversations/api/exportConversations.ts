import type { ExportFormat } from '../../../../../contract/exports.js';
import type { ApiClient, DownloadedFile } from '../../../lib/apiClient.js';
import type { ConversationFilters } from './conversationFilters.js';
import { conversationQuery } from './getConversations.js';

/** Every conversation the filters select, as a file (the token goes in the header, never in a URL). */
export async function exportConversations(
  client: ApiClient,
  filters: ConversationFilters,
  format: ExportFormat,
): Promise<DownloadedFile & { filename: string }> {
  const file = await client.download('exports/conversations', { query: { ...conversationQuery(filters), format } });
  return { blob: file.blob, filename: file.filename ?? `conversations.${format}` };
}
