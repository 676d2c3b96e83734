import { useState } from 'react';
import { type SiteOption, SiteSelect } from '../../../components/SiteSelect.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { useStats } from '../api/getStats.js';
import { BarChart } from './BarChart.js';
import { RatingChart } from './RatingChart.js';

const RANGES = [7, 30, 90] as const;
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Activity per day and answer ratings, for one site or all. */
export function OverviewPage({ sites }: { sites: SiteOption[] }) {
  const [siteId, setSiteId] = useState<string | undefined>();
  const [days, setDays] = useState<number>(30);
  const query = useStats({ siteId, days });
  const series = (key: 'conversations' | 'messages' | 'images') =>
    (query.data?.days ?? []).map((d) => ({ label: shortDate.format(new Date(`${d.date}T00:00:00Z`)), value: d[key] }));

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <form className="filters" aria-label="Overview range" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="overview-site">Site</label>
          <SiteSelect id="overview-site" sites={sites} value={siteId} onChange={setSiteId} />
        </div>
        <fieldset className="segmented">
          <legend>Period</legend>
          {RANGES.map((range) => (
            <label key={range}>
              <input type="radio" name="days" value={range} checked={days === range} onChange={() => setDays(range)} />
              {range} days
            </label>
          ))}
        </fieldset>
      </form>
      {query.isPending ? (
        <Loading label="Loading statistics…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} title="Could not load statistics" />
      ) : query.data.totals.conversations === 0 && query.data.totals.images === 0 ? (
        <Empty title={`No activity in the last ${days} days`}>
          <p>Add the embed snippet from a site's page to your website, then come back here.</p>
        </Empty>
      ) : (
        <div className="charts">
          <BarChart title="Conversations" data={series('conversations')} />
          <BarChart title="Messages" data={series('messages')} />
          <BarChart title="Images uploaded" data={series('images')} color="var(--accent-2)" />
          <RatingChart up={query.data.ratings.up} down={query.data.ratings.down} />
        </div>
      )}
    </section>
  );
}
