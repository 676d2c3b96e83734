import { isDay } from '../../../../../contract/day.js';

const ID = /^[a-f0-9]{24}$/;

/** Gallery filters, kept in the URL query like the conversation filters. */
export interface ImageFilters {
  siteId?: string;
  from?: string;
  to?: string;
}

export function parseImageFilters(search: string): ImageFilters {
  const params = new URLSearchParams(search);
  const filters: ImageFilters = {};
  const siteId = params.get('site');
  if (siteId && ID.test(siteId)) filters.siteId = siteId;
  const from = params.get('from');
  if (from && isDay(from)) filters.from = from;
  const to = params.get('to');
  if (to && isDay(to)) filters.to = to;
  return filters;
}

export function serializeImageFilters(filters: ImageFilters): string {
  const params = new URLSearchParams();
  if (filters.siteId) params.set('site', filters.siteId);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  const query = params.toString();
  return query ? `?${query}` : '';
}
