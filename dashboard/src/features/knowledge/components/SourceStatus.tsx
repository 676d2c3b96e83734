import type { Source } from '../../../../../contract/index.js';

export const STATUS_LABELS: Record<Source['status'], string> = {
  queued: 'Queued',
  processing: 'Syncing',
  ready: 'Ready',
  failed: 'Failed',
};

/** A source's state as a badge, with its progress while it syncs. */
export function SourceStatus({ source }: { source: Source }) {
  const { done, total } = source.progress;
  return (
    <span className="source-status">
      <span className={`badge badge-source-${source.status}`}>{STATUS_LABELS[source.status]}</span>
      {source.status === 'processing' && total > 0 && (
        <>
          {' '}
          <progress max={total} value={done} aria-label={`Progress of ${source.title}`} />{' '}
          <span className="muted">
            {done}/{total}
          </span>
        </>
      )}
    </span>
  );
}
