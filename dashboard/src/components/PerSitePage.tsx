import { type ReactNode, useEffect } from 'react';
import { navigate } from '../lib/router/history.js';
import { Link } from '../lib/router/Link.js';
import type { SiteOption } from './SiteSelect.js';
import { Empty, Loading } from './States.js';

/**
 * A page of one site at `/<base>/:siteId`: `/<base>` alone opens the first site's; with no site yet it says to add
 * one. `children` renders the site's page (keyed by the site, so switching sites starts afresh).
 */
export function PerSitePage({
  base,
  siteId,
  sites,
  title,
  titleId,
  noSites,
  children,
}: {
  base: string;
  siteId: string | null;
  sites: SiteOption[];
  title: string;
  titleId: string;
  /** Why a site is needed first (after "Add a site first:"). */
  noSites: string;
  children: (siteId: string) => ReactNode;
}) {
  const first = sites[0]?.id;
  useEffect(() => {
    if (!siteId && first) navigate(`${base}/${first}`, { replace: true });
  }, [siteId, first, base]);
  if (siteId) return children(siteId);
  return (
    <section aria-labelledby={titleId}>
      <h1 id={titleId}>{title}</h1>
      {first ? (
        <Loading />
      ) : (
        <Empty title="No sites yet">
          <p>
            <Link to="/sites">Add a site</Link> first: {noSites}
          </p>
        </Empty>
      )}
    </section>
  );
}

/** The site a per-site page shows, when there is more than one to choose from (a change opens that site's page). */
export function SiteSwitcher({ id, base, siteId, sites }: { id: string; base: string; siteId: string; sites: SiteOption[] }) {
  if (sites.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor={id}>Site</label>
      <select id={id} value={siteId} onChange={(e) => navigate(`${base}/${e.target.value}`)}>
        {sites.map((site) => (
          <option key={site.id} value={site.id}>
            {site.name}
          </option>
        ))}
      </select>
    </div>
  );
}
