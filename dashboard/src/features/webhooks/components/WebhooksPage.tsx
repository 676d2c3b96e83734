import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { useCreateWebhook } from '../api/createWebhook.js';
import { useWebhooks } from '../api/getWebhooks.js';
import { draftOf, draftToCreate } from '../webhookDraft.js';
import { SecretOnce } from './SecretOnce.js';
import { WebhookForm } from './WebhookForm.js';
import { WebhookRow } from './WebhookRow.js';

/** `/webhooks`: the organization's signed webhook endpoints (org:admin only, as the API is). */
export function WebhooksPage({ isAdmin }: { isAdmin: boolean }) {
  const query = useWebhooks(isAdmin);
  const create = useCreateWebhook();
  const [secret, setSecret] = useState<{ secret: string; url: string } | null>(null);
  const [said, setSaid] = useState('');
  const items = query.data?.items ?? [];
  const disabled = items.filter((w) => !w.enabled && w.disabledReason).length;
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p className="muted">
        Your servers hear about conversations, messages, ratings, leads, handoffs and failed knowledge syncs as they happen: each
        event is POSTed as JSON signed with the endpoint’s secret (<code>Webhook-Signature</code>), retried for about 12 hours
        when your receiver fails.
      </p>
      {!isAdmin ? (
        <p className="notice">Only organization admins can see and manage webhooks.</p>
      ) : (
        <>
          <p role="status" className="visually-hidden">
            {said}
          </p>
          {disabled > 0 && (
            <p className="notice" role="alert">
              {disabled === 1 ? 'An endpoint was' : `${disabled} endpoints were`} disabled automatically after repeated failures:
              they get no events until enabled again.
            </p>
          )}
          {secret && <SecretOnce secret={secret.secret} url={secret.url} onDone={() => setSecret(null)} />}
          <h2 id="webhooks-list-title">Endpoints</h2>
          {query.isPending ? (
            <Loading label="Loading webhooks…" />
          ) : query.isError ? (
            <ErrorState error={query.error} onRetry={() => query.refetch()} title="Could not load the webhooks" />
          ) : items.length === 0 ? (
            <Empty title="No endpoints yet">
              <p>Add one below to receive events.</p>
            </Empty>
          ) : (
            <ul className="rows" aria-labelledby="webhooks-list-title">
              {items.map((webhook) => (
                <WebhookRow key={webhook.id} webhook={webhook} onSecret={setSecret} onSaid={setSaid} />
              ))}
            </ul>
          )}
          <WebhookForm
            title="Add an endpoint"
            initial={draftOf()}
            submitLabel="Add endpoint"
            busy={create.isPending}
            error={create.error}
            onSubmit={(draft, reset) =>
              create.mutate(draftToCreate(draft), {
                onSuccess: (made) => {
                  reset();
                  setSecret({ secret: made.secret, url: made.url });
                  setSaid(`${made.url} was added.`);
                },
              })
            }
          />
        </>
      )}
    </section>
  );
}
