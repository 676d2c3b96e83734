import { useMemo, useState } from 'react';
import type { AdminImage } from '../../../../../contract/index.js';
import { DateRangeFields } from '../../../components/DateRangeFields.js';
import { Lightbox } from '../../../components/Lightbox.js';
import { MorePages } from '../../../components/LoadMore.js';
import { type SiteOption, SiteSelect } from '../../../components/SiteSelect.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { Thumbnail } from '../../../components/Thumbnail.js';
import { formatBytes, formatDateTime } from '../../../lib/format.js';
import { navigate } from '../../../lib/router/history.js';
import { Link } from '../../../lib/router/Link.js';
import { useLocation } from '../../../lib/router/useLocation.js';
import { useImages } from '../api/getImages.js';
import { type ImageFilters, parseImageFilters, serializeImageFilters } from '../api/imageFilters.js';

/** Every uploaded image as a grid, filtered by the URL query, each linking to its conversation. */
export function ImagesPage({ sites }: { sites: SiteOption[] }) {
  const { search } = useLocation();
  const filters = useMemo(() => parseImageFilters(search), [search]);
  const query = useImages(filters);
  const [open, setOpen] = useState<AdminImage | null>(null);
  const setFilters = (next: ImageFilters) => navigate(`/images${serializeImageFilters(next)}`, { replace: true });
  const images = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="images-title">
      <h1 id="images-title">Images</h1>
      <form className="filters" aria-label="Filter images" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="images-site">Site</label>
          <SiteSelect
            id="images-site"
            sites={sites}
            value={filters.siteId}
            onChange={(siteId) => setFilters({ ...filters, siteId })}
          />
        </div>
        <DateRangeFields idPrefix="images" value={filters} onChange={(range) => setFilters({ ...filters, ...range })} />
      </form>
      {query.isPending ? (
        <Loading label="Loading images…" />
      ) : query.isError && !query.isFetchNextPageError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} title="Could not load images" />
      ) : images.length === 0 ? (
        <Empty title="No images yet">
          <p>Images that visitors paste, drop or attach in the widget show up here.</p>
        </Empty>
      ) : (
        <>
          <ul className="gallery" aria-label="Images">
            {images.map((image) => (
              <li key={image.id} className="gallery-item">
                <button
                  type="button"
                  className="thumb-button"
                  onClick={() => setOpen(image)}
                  aria-label={`Open image from ${formatDateTime(image.createdAt)} full size`}
                >
                  <Thumbnail src={image.thumbnailUrl} alt="" size={160} />
                </button>
                <div className="gallery-meta">
                  <time dateTime={image.createdAt}>{formatDateTime(image.createdAt)}</time>
                  <span className="muted">
                    {image.width}×{image.height} · {formatBytes(image.bytes)}
                  </span>
                  {image.conversationId ? (
                    <Link to={`/conversations/${image.conversationId}`}>View conversation</Link>
                  ) : (
                    <span className="muted">Not sent in a conversation</span>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <MorePages query={query} label="Load more images" />
        </>
      )}
      {open && <Lightbox src={open.url} alt={`Image ${open.width}×${open.height}`} onClose={() => setOpen(null)} />}
    </section>
  );
}
