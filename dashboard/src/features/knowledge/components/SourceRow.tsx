import { useState } from 'react';
import type { Source } from '../../../../../contract/index.js';
import { safeUrl } from '../../../../../contract/safeUrl.js';
import { Confirm } from '../../../components/Confirm.js';
import { ErrorState } from '../../../components/States.js';
import { formatDateTime } from '../../../lib/format.js';
import { useDeleteSource } from '../api/deleteSource.js';
import { isSyncing } from '../api/getSources.js';
import { useSyncSource } from '../api/syncSource.js';
import { SourceStatus } from './SourceStatus.js';

const TYPE_LABELS: Record<Source['type'], string> = {
  url: 'Page',
  website: 'Website',
  sitemap: 'Sitemap',
  text: 'Text',
  file: 'File',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One source: what it is, where its sync stands, why it failed; sync and delete for admins. */
export function SourceRow({ source, canEdit }: { source: Source; canEdit: boolean }) {
  const sync = useSyncSource(source.siteId);
  const remove = useDeleteSource(source.siteId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const href = source.url ? safeUrl(source.url) : null;
  const titleId = `source-${source.id}`;
  return (
    <li className="row source-row" aria-labelledby={titleId}>
      <div className="row-main">
        <div className="source-head">
          <span className="badge">{TYPE_LABELS[source.type]}</span>{' '}
          <span id={titleId} className="source-title">
            {source.title}
          </span>{' '}
          <SourceStatus source={source} />
        </div>
        {href && (
          <a className="source-url" href={href} target="_blank" rel="noopener noreferrer">
            {source.url}
          </a>
        )}
        <div className="row-meta">
          <span>{plural(source.pages, 'page')}</span>
          <span>{plural(source.chunks, 'passage')}</span>
          <span>{source.lastSyncedAt ? `Synced ${formatDateTime(source.lastSyncedAt)}` : 'Never synced'}</span>
          {source.failedPages > 0 && <span>{plural(source.failedPages, 'page')} could not be read</span>}
        </div>
        {source.status === 'failed' && source.error && <p className="source-error">{source.error.message}</p>}
        {source.warning && <p className="source-warning">{source.warning.message}</p>}
        {source.failures.length > 0 && (
          <details>
            <summary>Pages that could not be read</summary>
            <ul>
              {source.failures.map((failure, n) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the server's list, replaced whole on each read
                <li key={n}>
                  {failure.url ?? (failure.page ? `Page ${failure.page}` : source.title)}: {failure.message}
                </li>
              ))}
            </ul>
          </details>
        )}
        {canEdit && confirmDelete && (
          <Confirm
            message={`Delete “${source.title}”? The assistant stops answering from it at once.`}
            confirmLabel="Yes, delete the source"
            busyLabel="Deleting…"
            busy={remove.isPending}
            onConfirm={() => remove.mutate(source.id)}
            onCancel={() => setConfirmDelete(false)}
          />
        )}
        {sync.isError && <ErrorState error={sync.error} title="Could not sync" />}
        {remove.isError && <ErrorState error={remove.error} title="Could not delete" />}
      </div>
      {canEdit && !confirmDelete && (
        <div className="row-actions">
          <button type="button" disabled={isSyncing(source) || sync.isPending} onClick={() => sync.mutate(source.id)}>
            Sync now<span className="visually-hidden"> {source.title}</span>
          </button>
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
            Delete…<span className="visually-hidden"> {source.title}</span>
          </button>
        </div>
      )}
    </li>
  );
}
