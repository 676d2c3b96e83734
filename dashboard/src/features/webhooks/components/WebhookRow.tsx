import { useEffect, useState } from 'react';
import type { Webhook } from '../../../../../contract/index.js';
import { Confirm } from '../../../components/Confirm.js';
import { ErrorState } from '../../../components/States.js';
import { formatDateTime } from '../../../lib/format.js';
import { useDeleteWebhook } from '../api/deleteWebhook.js';
import { DELIVERY_POLL_MS } from '../api/getDeliveries.js';
import { useRotateWebhookSecret } from '../api/rotateWebhookSecret.js';
import { useSendTestEvent } from '../api/sendTestEvent.js';
import { useUpdateWebhook } from '../api/updateWebhook.js';
import { draftOf, draftToUpdate, EVENT_LABELS } from '../webhookDraft.js';
import { DeliveryLog } from './DeliveryLog.js';
import { WebhookForm } from './WebhookForm.js';

/** How long an open log is polled after a test event was queued. */
const TEST_POLL_FOR_MS = 20 * DELIVERY_POLL_MS;

/** One endpoint: where, what, whether on (and why not); edit, enable, test, its log, rotate and delete. */
export function WebhookRow({
  webhook,
  onSecret,
  onSaid,
}: {
  webhook: Webhook;
  onSecret: (secret: { secret: string; url: string }) => void;
  onSaid: (said: string) => void;
}) {
  const [mode, setMode] = useState<'idle' | 'edit' | 'delete' | 'rotate'>('idle');
  const [logOpen, setLogOpen] = useState(false);
  const [testedAt, setTestedAt] = useState<number | null>(null);
  const update = useUpdateWebhook(webhook.id);
  const remove = useDeleteWebhook(webhook.id);
  const rotate = useRotateWebhookSecret(webhook.id);
  const test = useSendTestEvent(webhook.id);
  useEffect(() => {
    if (testedAt === null) return;
    const timer = setTimeout(() => setTestedAt(null), TEST_POLL_FOR_MS);
    return () => clearTimeout(timer);
  }, [testedAt]);
  const titleId = `webhook-${webhook.id}`;
  const autoDisabled = !webhook.enabled && webhook.disabledReason;
  const failed = [update, remove, rotate, test].find((m) => m.isError);

  if (mode === 'edit')
    return (
      <li className="row webhook-row">
        <div className="row-main">
          <WebhookForm
            title={`Edit ${webhook.url}`}
            initial={draftOf(webhook)}
            submitLabel="Save changes"
            busy={update.isPending}
            error={update.error}
            onCancel={() => setMode('idle')}
            onSubmit={(draft) => {
              const body = draftToUpdate(draft, webhook);
              if (Object.keys(body).length === 0) return setMode('idle');
              update.mutate(body, {
                onSuccess: () => {
                  setMode('idle');
                  onSaid(`${webhook.url} was saved.`);
                },
              });
            }}
          />
        </div>
      </li>
    );

  return (
    <li className="row webhook-row" aria-labelledby={titleId}>
      <div className="row-main">
        <div className="source-head">
          <span id={titleId} className="source-title">
            {webhook.url}
          </span>{' '}
          <span className={`badge ${webhook.enabled ? 'badge-up' : 'badge-error'}`}>
            {webhook.enabled ? 'Enabled' : autoDisabled ? 'Disabled automatically' : 'Disabled'}
          </span>
        </div>
        {webhook.description && <p className="muted">{webhook.description}</p>}
        {autoDisabled && (
          <p className="notice">
            Disabled {webhook.disabledAt ? `on ${formatDateTime(webhook.disabledAt)} ` : ''}after repeated failures:{' '}
            {webhook.disabledReason}. Fix the receiver, send a test event, then enable it again.
          </p>
        )}
        <div className="row-meta">
          <span>{webhook.events.map((type) => EVENT_LABELS[type]).join(' · ')}</span>
          {webhook.consecutiveFailures > 0 && <span>{webhook.consecutiveFailures} failed attempts since the last success</span>}
        </div>
        {mode === 'delete' && (
          <Confirm
            message={`Delete ${webhook.url}? Its delivery log goes with it and pending deliveries are dropped.`}
            confirmLabel="Yes, delete the endpoint"
            busyLabel="Deleting…"
            busy={remove.isPending}
            onConfirm={() => remove.mutate(undefined, { onSuccess: () => onSaid(`${webhook.url} was deleted.`) })}
            onCancel={() => setMode('idle')}
          />
        )}
        {mode === 'rotate' && (
          <Confirm
            message="Make a new signing secret? Deliveries are signed with it at once: update your receiver right away."
            confirmLabel="Yes, rotate the secret"
            busyLabel="Rotating…"
            busy={rotate.isPending}
            onConfirm={() =>
              rotate.mutate(undefined, {
                onSuccess: (rotated) => {
                  setMode('idle');
                  onSecret({ secret: rotated.secret, url: rotated.url });
                },
              })
            }
            onCancel={() => setMode('idle')}
          />
        )}
        {failed?.isError && <ErrorState error={failed.error} title="The server refused it" />}
        {test.isSuccess && testedAt !== null && (
          <p className="muted" role="status">
            Test event queued; its attempt appears in the delivery log.
          </p>
        )}
        <details open={logOpen} onToggle={(e) => setLogOpen(e.currentTarget.open)}>
          <summary>Delivery log</summary>
          {logOpen && <DeliveryLog webhookId={webhook.id} poll={testedAt !== null} />}
        </details>
      </div>
      {mode === 'idle' && (
        <div className="row-actions">
          <button
            type="button"
            disabled={test.isPending}
            onClick={() =>
              test.mutate(undefined, {
                onSuccess: () => {
                  setTestedAt(Date.now());
                  setLogOpen(true);
                },
              })
            }
          >
            Send test event
          </button>
          <button
            type="button"
            disabled={update.isPending}
            onClick={() =>
              update.mutate(
                { enabled: !webhook.enabled },
                { onSuccess: (saved) => onSaid(`${saved.url} is ${saved.enabled ? 'enabled' : 'disabled'}.`) },
              )
            }
          >
            {webhook.enabled ? 'Disable' : 'Enable'}
          </button>
          <button type="button" onClick={() => setMode('edit')}>
            Edit
          </button>
          <button type="button" onClick={() => setMode('rotate')}>
            Rotate secret
          </button>
          <button type="button" className="danger" onClick={() => setMode('delete')}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
