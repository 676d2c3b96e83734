import type { RemovalRecord } from '../../../../../contract/index.js';
import { FieldRefusal, type RefusedFields, refusedAria } from '../../../components/RefusedField.js';
import { ErrorState, Loading } from '../../../components/States.js';
import { formatDateTime } from '../../../lib/format.js';
import { useRemovals } from '../api/getRemovals.js';

/** Days conversations are kept after their last message; empty keeps them until deleted. */
export function RetentionField({
  value,
  refused,
  onChange,
}: {
  value: string;
  refused: RefusedFields;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor="site-retention-days">Keep conversations for (days)</label>
      <input
        id="site-retention-days"
        type="number"
        min={1}
        max={3650}
        step={1}
        value={value}
        placeholder="Until deleted"
        {...refusedAria(refused, 'retentionDays', 'site-retention-days', 'site-retention-days-help')}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldRefusal refused={refused} path="retentionDays" id="site-retention-days" />
      <small id="site-retention-days-help">
        Once a day, conversations whose last message is older are deleted with their messages and images, and visitors left
        without conversations (with their lead details) go too. Empty: kept until deleted.
      </small>
    </div>
  );
}

const subjectOf = (record: RemovalRecord) =>
  record.kind === 'retention'
    ? `Retention run (older than ${record.before ? formatDateTime(record.before) : '?'})`
    : record.subject && 'userId' in record.subject
      ? `Erasure of user ${record.subject.userId}`
      : `Erasure of visitor ${record.subject?.visitorId ?? ''}`;

/** The site's latest erasure receipts and retention runs, as proof of what was deleted. */
export function RemovalRecords({ siteId }: { siteId: string }) {
  const query = useRemovals(siteId);
  if (query.isPending) return <Loading label="Loading data records…" />;
  if (query.isError)
    return <ErrorState error={query.error} title="Could not load the data records" onRetry={() => query.refetch()} />;
  if (!query.data.items.length) return <p className="muted">No erasure or retention run yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Deleted</th>
        </tr>
      </thead>
      <tbody>
        {query.data.items.map((record) => (
          <tr key={record.id}>
            <td>
              <time dateTime={record.createdAt}>{formatDateTime(record.createdAt)}</time>
            </td>
            <td className="break">{subjectOf(record)}</td>
            <td>
              {record.counts.conversations} conversations, {record.counts.messages} messages, {record.counts.images} images,{' '}
              {record.counts.visitors} visitors, {record.counts.leads} leads
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
