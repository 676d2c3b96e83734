import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ExportFormat } from '../../../../../contract/exports.js';
import { ErrorState } from '../../../components/States.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import { saveFile } from '../../../lib/saveFile.js';
import type { ConversationFilters } from '../api/conversationFilters.js';
import { exportConversations } from '../api/exportConversations.js';

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'csv', label: 'CSV (one row per message)' },
  { value: 'ndjson', label: 'NDJSON (one conversation per line)' },
  { value: 'json', label: 'JSON' },
];

/** Exports what the current filters select, with every message, in the chosen format. */
export function ExportConversations({ filters }: { filters: ConversationFilters }) {
  const client = useApiClient();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const download = useMutation({
    mutationFn: () => exportConversations(client, filters, format),
    onSuccess: (file) => saveFile(file.blob, file.filename),
  });
  return (
    <form
      className="export-form"
      aria-label="Export conversations"
      onSubmit={(event) => {
        event.preventDefault();
        download.mutate();
      }}
    >
      <div className="field">
        <label htmlFor="export-format">Export format</label>
        <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={download.isPending}>
        {download.isPending ? 'Exporting…' : 'Export'}
      </button>
      <p className="muted" role="status">
        {download.isSuccess ? `Saved ${download.data.filename}.` : ''}
      </p>
      {download.isError && <ErrorState error={download.error} title="Could not export" />}
    </form>
  );
}
