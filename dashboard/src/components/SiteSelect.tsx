export interface SiteOption {
  id: string;
  name: string;
}

/** A site picker for filters; "All sites" is the empty value. */
export function SiteSelect({
  sites,
  value,
  onChange,
  id,
}: {
  sites: SiteOption[];
  value: string | undefined;
  onChange: (siteId: string | undefined) => void;
  id: string;
}) {
  return (
    <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
      <option value="">All sites</option>
      {sites.map((site) => (
        <option key={site.id} value={site.id}>
          {site.name}
        </option>
      ))}
    </select>
  );
}
