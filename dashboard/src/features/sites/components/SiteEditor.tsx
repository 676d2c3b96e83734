import { useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../../../../contract/ApiError.js';
import type { Site } from '../../../../../contract/index.js';
import { Confirm } from '../../../components/Confirm.js';
import { FieldRefusal, refusedAria, refusedFields } from '../../../components/RefusedField.js';
import { ErrorState, Loading, ProblemList } from '../../../components/States.js';
import { navigate } from '../../../lib/router/history.js';
import { Link } from '../../../lib/router/Link.js';
import { useDeleteSite } from '../api/deleteSite.js';
import { useSite } from '../api/getSite.js';
import { useUpdateSite } from '../api/updateSite.js';
import { draftFromSite, draftLook, draftToUpdate, isDraftDirty, type SiteDraft, validateDraft } from '../siteDraft.js';
import { RemovalRecords, RetentionField } from './DataRetention.js';
import { EmbedSnippet } from './EmbedSnippet.js';
import { FaqEditor } from './FaqEditor.js';
import { IdentitySecret } from './IdentitySecret.js';
import { LeadCaptureField } from './LeadCaptureField.js';
import { ModelBudgetField } from './ModelBudgetField.js';
import { WidgetPreview } from './WidgetPreview.js';

/** Loads a site, then edits it (read-only for members). */
export function SiteEditorPage({ id, canEdit, origin }: { id: string; canEdit: boolean; origin: string }) {
  const query = useSite(id);
  if (query.isPending) return <Loading label="Loading site…" />;
  if (query.isError) {
    const missing = isApiError(query.error) && query.error.status === 404;
    return (
      <section>
        <p>
          <Link to="/sites">← All sites</Link>
        </p>
        <ErrorState
          error={query.error}
          title={missing ? 'This site does not exist' : 'Could not load the site'}
          onRetry={missing ? undefined : () => query.refetch()}
        />
      </section>
    );
  }
  return <SiteEditor key={query.data.id} site={query.data} canEdit={canEdit} origin={origin} />;
}

function SiteEditor({ site, canEdit, origin }: { site: Site; canEdit: boolean; origin: string }) {
  const [draft, setDraft] = useState<SiteDraft>(() => draftFromSite(site));
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  // The identity secret a save made (verification turned on): shown once by IdentitySecret.
  const [madeSecret, setMadeSecret] = useState<string | null>(null);
  const update = useUpdateSite(site.id);
  const remove = useDeleteSite();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const dirty = isDraftDirty(draft, site);
  const look = useMemo(() => draftLook(draft), [draft]);
  // The fields the server refused in the last save, each marked where it is edited.
  const refused = refusedFields(update.error);

  // Warn before leaving with unsaved edits.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const set = <K extends keyof SiteDraft>(key: K, value: SiteDraft[K]) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const setLook = <K extends keyof SiteDraft['look']>(key: K, value: SiteDraft['look'][K]) =>
    set('look', { ...draft.look, [key]: value });

  const save = () => {
    const found = validateDraft(draft);
    setProblems(found);
    if (found.length) return;
    update.mutate(draftToUpdate(draft), {
      onSuccess: (next) => {
        setDraft(draftFromSite(next));
        setSaved(true);
        if (next.identitySecret) setMadeSecret(next.identitySecret);
      },
    });
  };

  return (
    <article aria-labelledby="site-title">
      <p>
        <Link to="/sites">← All sites</Link>
      </p>
      <h1 id="site-title">{site.name}</h1>
      <p className="muted">
        Site key <code>{site.publicKey}</code>
      </p>
      <section aria-labelledby="embed-title" className="card">
        <h2 id="embed-title">Embed</h2>
        <p>Paste this before the closing &lt;/body&gt; tag of every page that should show the chat.</p>
        <EmbedSnippet origin={origin} siteKey={site.publicKey} />
      </section>
      <div className="editor-layout">
        <form
          className="site-form"
          aria-label="Site settings"
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <fieldset disabled={!canEdit}>
            {!canEdit && <p className="notice">Only organization admins can change sites; you are viewing the settings.</p>}
            <h2>General</h2>
            <div className="field">
              <label htmlFor="site-name">Name</label>
              <input
                id="site-name"
                value={draft.name}
                maxLength={100}
                required
                {...refusedAria(refused, 'name', 'site-name')}
                onChange={(e) => set('name', e.target.value)}
              />
              <FieldRefusal refused={refused} path="name" id="site-name" />
            </div>
            <div className="field">
              <label htmlFor="site-origins">Allowed origins</label>
              <textarea
                id="site-origins"
                rows={3}
                value={draft.allowedOrigins}
                {...refusedAria(refused, 'allowedOrigins', 'site-origins', 'site-origins-help')}
                onChange={(e) => set('allowedOrigins', e.target.value)}
              />
              <FieldRefusal refused={refused} path="allowedOrigins" id="site-origins" />
              <small id="site-origins-help">
                One per line, like https://example.com or https://*.example.com. The widget only starts on these.
              </small>
            </div>

            <h2>Look</h2>
            <div className="field">
              <label htmlFor="look-title">Title</label>
              <input
                id="look-title"
                value={draft.look.title}
                maxLength={60}
                {...refusedAria(refused, 'look.title', 'look-title')}
                onChange={(e) => setLook('title', e.target.value)}
              />
              <FieldRefusal refused={refused} path="look.title" id="look-title" />
            </div>
            <div className="field-row">
              <div className="field">
                <label htmlFor="look-accent">Accent colour</label>
                <input
                  id="look-accent"
                  type="color"
                  value={draft.look.accentColor}
                  {...refusedAria(refused, 'look.accentColor', 'look-accent')}
                  onChange={(e) => setLook('accentColor', e.target.value)}
                />
                <FieldRefusal refused={refused} path="look.accentColor" id="look-accent" />
              </div>
              <div className="field">
                <label htmlFor="look-position">Position</label>
                <select
                  id="look-position"
                  value={draft.look.position}
                  onChange={(e) => setLook('position', e.target.value === 'bottom-left' ? 'bottom-left' : 'bottom-right')}
                >
                  <option value="bottom-right">Bottom right</option>
                  <option value="bottom-left">Bottom left</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor="look-z">Z-index</label>
                <input
                  id="look-z"
                  type="number"
                  min={0}
                  max={2147483647}
                  value={draft.look.zIndex}
                  {...refusedAria(refused, 'look.zIndex', 'look-z')}
                  onChange={(e) => setLook('zIndex', Number(e.target.value) || 0)}
                />
                <FieldRefusal refused={refused} path="look.zIndex" id="look-z" />
              </div>
            </div>
            <div className="field">
              <label htmlFor="look-greeting">Greeting</label>
              <textarea
                id="look-greeting"
                rows={2}
                maxLength={500}
                value={draft.look.greeting}
                {...refusedAria(refused, 'look.greeting', 'look-greeting')}
                onChange={(e) => setLook('greeting', e.target.value)}
              />
              <FieldRefusal refused={refused} path="look.greeting" id="look-greeting" />
            </div>
            <div className="field">
              <label htmlFor="look-starters">Starter prompts</label>
              <textarea
                id="look-starters"
                rows={3}
                value={draft.starterPrompts}
                {...refusedAria(refused, 'starterPrompts', 'look-starters', 'look-starters-help')}
                onChange={(e) => set('starterPrompts', e.target.value)}
              />
              <FieldRefusal refused={refused} path="starterPrompts" id="look-starters" />
              <small id="look-starters-help">Up to four, one per line.</small>
            </div>

            <h2>Assistant</h2>
            <div className="field">
              <label htmlFor="site-persona">Persona</label>
              <textarea
                id="site-persona"
                rows={5}
                maxLength={8000}
                value={draft.persona}
                {...refusedAria(refused, 'persona', 'site-persona', 'site-persona-help')}
                onChange={(e) => set('persona', e.target.value)}
              />
              <FieldRefusal refused={refused} path="persona" id="site-persona" />
              <small id="site-persona-help">
                How the assistant should behave; sent as its system instruction. The persona and the FAQ are not secret: anyone
                can ask the assistant to repeat them.
              </small>
            </div>
            <div className="field-row">
              <div className="field">
                <label htmlFor="site-model">Model</label>
                <input
                  id="site-model"
                  value={draft.model}
                  placeholder="Server default"
                  maxLength={100}
                  {...refusedAria(refused, 'model', 'site-model')}
                  onChange={(e) => set('model', e.target.value)}
                />
                <FieldRefusal refused={refused} path="model" id="site-model" />
              </div>
              <div className="field">
                <label htmlFor="site-temperature">Temperature {draft.temperature.toFixed(1)}</label>
                <input
                  id="site-temperature"
                  type="range"
                  min={0}
                  max={2}
                  step={0.1}
                  value={draft.temperature}
                  {...refusedAria(refused, 'temperature', 'site-temperature')}
                  onChange={(e) => set('temperature', Number(e.target.value))}
                />
                <FieldRefusal refused={refused} path="temperature" id="site-temperature" />
              </div>
            </div>

            <ModelBudgetField
              siteId={site.id}
              value={draft.dailyModelCalls}
              refused={refused}
              onChange={(value) => set('dailyModelCalls', value)}
            />

            <h2>Lead capture</h2>
            <LeadCaptureField value={draft.leadCapture} refused={refused} onChange={(value) => set('leadCapture', value)} />

            <h2>Data retention</h2>
            <RetentionField value={draft.retentionDays} refused={refused} onChange={(value) => set('retentionDays', value)} />

            <h2>Knowledge (FAQ)</h2>
            <p className="muted">
              Pages, websites, sitemaps and documents are added on the <Link to={`/knowledge/${site.id}`}>Knowledge page</Link>.
            </p>
            <FaqEditor entries={draft.faq} refused={refused} onChange={(faq) => set('faq', faq)} />

            <h2>Identity verification</h2>
            <IdentitySecret
              key={madeSecret ?? 'none'}
              siteId={site.id}
              verified={site.identityVerification}
              made={madeSecret}
              enabled={draft.identityVerification}
              onToggle={(on) => set('identityVerification', on)}
              canEdit={canEdit}
            />
          </fieldset>
          <ProblemList problems={problems} />
          {update.isError && <ErrorState error={update.error} title="Could not save" />}
          {canEdit && (
            <div className="form-actions">
              <button type="submit" className="primary" disabled={!dirty || update.isPending}>
                {update.isPending ? 'Saving…' : 'Save changes'}
              </button>
              <button type="button" disabled={!dirty || update.isPending} onClick={() => setDraft(draftFromSite(site))}>
                Discard
              </button>
              <span role="status" className="muted">
                {saved && !dirty ? 'Saved.' : dirty ? 'Unsaved changes' : ''}
              </span>
            </div>
          )}
        </form>
        <aside className="preview" aria-labelledby="preview-title">
          <h2 id="preview-title">Live preview</h2>
          <WidgetPreview siteKey={site.publicKey} look={look} />
        </aside>
      </div>
      <section aria-labelledby="data-records-title">
        <h2 id="data-records-title">Data records</h2>
        <RemovalRecords siteId={site.id} />
      </section>
      {canEdit && (
        <section className="danger-zone" aria-labelledby="delete-site-title">
          <h2 id="delete-site-title">Delete site</h2>
          {confirmDelete ? (
            <Confirm
              message={`Delete “${site.name}”? The widget stops working on its pages, and its conversations, messages, visitors and images are deleted.`}
              confirmLabel="Yes, delete the site"
              busyLabel="Deleting…"
              busy={remove.isPending}
              onConfirm={() => remove.mutate(site.id, { onSuccess: () => navigate('/sites') })}
              onCancel={() => setConfirmDelete(false)}
            />
          ) : (
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
              Delete site…
            </button>
          )}
          {remove.isError && <ErrorState error={remove.error} title="Could not delete" />}
        </section>
      )}
    </article>
  );
}
