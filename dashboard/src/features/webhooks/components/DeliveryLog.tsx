import { MorePages } from '../../../components/LoadMore.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { formatDateTime } from '../../../lib/format.js';
import { useDeliveries } from '../api/getDeliveries.js';

/** An endpoint's delivery attempts, newest first: outcome, status, latency, the receiver's answer, the next try. */
export function DeliveryLog({ webhookId, poll }: { webhookId: string; poll: boolean }) {
  const query = useDeliveries(webhookId, poll);
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  if (query.isPending) return <Loading label="Loading deliveries…" />;
  if (query.isError && !query.isFetchNextPageError)
    return <ErrorState error={query.error} onRetry={() => query.refetch()} title="Could not load the deliveries" />;
  if (items.length === 0)
    return (
      <Empty title="No deliveries yet">
        <p>Send a test event to see one.</p>
      </Empty>
    );
  return (
    <div className="table-wrap">
      <table className="deliveries">
        <caption className="visually-hidden">Delivery attempts, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Outcome</th>
            <th scope="col">Status</th>
            <th scope="col">Latency</th>
            <th scope="col">Answer</th>
            <th scope="col">Next attempt</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id}>
              <td>{formatDateTime(d.createdAt)}</td>
              <td>
                <code>{d.eventType}</code>
                {d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}
              </td>
              <td>
                <span className={`badge ${d.outcome === 'delivered' ? 'badge-up' : 'badge-error'}`}>
                  {d.outcome === 'delivered' ? 'Delivered' : 'Failed'}
                </span>
              </td>
              <td>{d.status ?? d.error ?? '–'}</td>
              <td>{d.latencyMs} ms</td>
              <td>
                <code className="excerpt">{d.responseExcerpt || '–'}</code>
              </td>
              <td>{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <MorePages query={query} />
    </div>
  );
}
