import { type CSSProperties, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { navigate } from '../../../lib/router/history.js';
import { Link } from '../../../lib/router/Link.js';
import { useCreateSite } from '../api/createSite.js';
import { useSites } from '../api/getSites.js';

/** The tenant's sites and a short form to add one (the rest is set in the editor). */
export function SitesPage({ canEdit }: { canEdit: boolean }) {
  const query = useSites();
  const create = useCreateSite();
  const [name, setName] = useState('');
  return (
    <section aria-labelledby="sites-title">
      <h1 id="sites-title">Sites</h1>
      {canEdit && (
        <form
          className="filters"
          aria-label="Add a site"
          onSubmit={(event) => {
            event.preventDefault();
            if (!name.trim()) return;
            create.mutate({ name: name.trim() }, { onSuccess: (site) => navigate(`/sites/${site.id}`) });
          }}
        >
          <div className="field field-grow">
            <label htmlFor="new-site-name">New site name</label>
            <input
              id="new-site-name"
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
              placeholder="My shop"
            />
          </div>
          <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>
            {create.isPending ? 'Adding…' : 'Add site'}
          </button>
        </form>
      )}
      {create.isError && <ErrorState error={create.error} title="Could not add the site" />}
      {query.isPending ? (
        <Loading label="Loading sites…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} title="Could not load sites" />
      ) : query.data.length === 0 ? (
        <Empty title="No sites yet">
          {canEdit ? <p>Add one above to get its embed snippet.</p> : <p>An admin can add one.</p>}
        </Empty>
      ) : (
        <ul className="rows" aria-label="Sites">
          {query.data.map((site) => (
            <li key={site.id} className="row">
              <span className="swatch" aria-hidden="true" style={{ '--swatch': site.look.accentColor } as CSSProperties} />
              <div className="row-main">
                <Link className="row-title" to={`/sites/${site.id}`}>
                  {site.name}
                </Link>
                <div className="row-meta">
                  <code>{site.publicKey}</code>
                  <span>
                    {site.allowedOrigins.length
                      ? site.allowedOrigins.slice(0, 2).join(', ') +
                        (site.allowedOrigins.length > 2 ? ` +${site.allowedOrigins.length - 2}` : '')
                      : 'No allowed origins yet'}
                  </span>
                  <span>{site.faq.length} FAQ entries</span>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
