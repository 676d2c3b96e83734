import { useEffect, useState } from 'react';
import { DateRangeFields } from '../../../components/DateRangeFields.js';
import { type SiteOption, SiteSelect } from '../../../components/SiteSelect.js';
import { useDebouncedValue } from '../../../lib/useDebouncedValue.js';
import type { ConversationFilters } from '../api/conversationFilters.js';

export const SEARCH_DEBOUNCE_MS = 300;

/** The filter controls; every change goes straight to `onChange`, except search, which waits for typing to pause. */
export function ConversationFiltersBar({
  filters,
  sites,
  onChange,
}: {
  filters: ConversationFilters;
  sites: SiteOption[];
  onChange: (next: ConversationFilters) => void;
}) {
  const [search, setSearch] = useState(filters.q ?? '');
  const debounced = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  // Push the debounced search into the URL; a back/forward that changes `q` flows the other way below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search text should write the URL
  useEffect(() => {
    if ((filters.q ?? '') !== debounced.trim()) onChange({ ...filters, q: debounced.trim() || undefined });
  }, [debounced]);
  useEffect(() => {
    setSearch((current) => (current.trim() === (filters.q ?? '') ? current : (filters.q ?? '')));
  }, [filters.q]);

  const active = Object.keys(filters).length > 0;
  return (
    <form className="filters" aria-label="Filter conversations" onSubmit={(event) => event.preventDefault()}>
      <div className="field field-grow">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          type="search"
          value={search}
          placeholder="Words in the conversation"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-site">Site</label>
        <SiteSelect
          id="filter-site"
          sites={sites}
          value={filters.siteId}
          onChange={(siteId) => onChange({ ...filters, siteId })}
        />
      </div>
      <DateRangeFields idPrefix="filter" value={filters} onChange={(range) => onChange({ ...filters, ...range })} />
      <div className="field">
        <label htmlFor="filter-images">Images</label>
        <YesNoSelect
          id="filter-images"
          value={filters.hasImages}
          yes="With images"
          no="Without images"
          onChange={(hasImages) => onChange({ ...filters, hasImages })}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-lead">Lead</label>
        <YesNoSelect
          id="filter-lead"
          value={filters.hasLead}
          yes="Has lead"
          no="No lead"
          onChange={(hasLead) => onChange({ ...filters, hasLead })}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-rating">Rating</label>
        <select
          id="filter-rating"
          value={filters.rating ?? ''}
          onChange={(e) =>
            onChange({ ...filters, rating: e.target.value === 'up' || e.target.value === 'down' ? e.target.value : undefined })
          }
        >
          <option value="">Any</option>
          <option value="up">Rated helpful</option>
          <option value="down">Rated unhelpful</option>
        </select>
      </div>
      {active && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setSearch('');
            onChange({});
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

/** A filter that is either off (Any), yes or no. */
function YesNoSelect(props: {
  id: string;
  value: boolean | undefined;
  yes: string;
  no: string;
  onChange: (value: boolean | undefined) => void;
}) {
  return (
    <select
      id={props.id}
      value={props.value === undefined ? '' : props.value ? 'yes' : 'no'}
      onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value === 'yes')}
    >
      <option value="">Any</option>
      <option value="yes">{props.yes}</option>
      <option value="no">{props.no}</option>
    </select>
  );
}
