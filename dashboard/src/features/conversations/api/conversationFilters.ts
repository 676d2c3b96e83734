import { isDay } from '../../../../../contract/day.js';
import type { Rating } from '../../../../../contract/index.js';

const ID = /^[a-f0-9]{24}$/;

/** What the Conversations page filters by; lives in the URL query so a view can be shared. */
export interface ConversationFilters {
  siteId?: string;
  q?: string;
  /** Inclusive dates, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  hasImages?: boolean;
  rating?: Rating;
  /** Whether the visitor left their details through the lead form. */
  hasLead?: boolean;
}

/** Reads filters from a query string, ignoring anything malformed (a hand-edited URL must not break the page). */
export function parseConversationFilters(search: string): ConversationFilters {
  const params = new URLSearchParams(search);
  const filters: ConversationFilters = {};
  const siteId = params.get('site');
  if (siteId && ID.test(siteId)) filters.siteId = siteId;
  const q = params.get('q')?.trim();
  if (q) filters.q = q.slice(0, 200);
  const from = params.get('from');
  if (from && isDay(from)) filters.from = from;
  const to = params.get('to');
  if (to && isDay(to)) filters.to = to;
  const images = params.get('images');
  if (images === 'yes') filters.hasImages = true;
  if (images === 'no') filters.hasImages = false;
  const rating = params.get('rating');
  if (rating === 'up' || rating === 'down') filters.rating = rating;
  const lead = params.get('lead');
  if (lead === 'yes') filters.hasLead = true;
  if (lead === 'no') filters.hasLead = false;
  return filters;
}

/** The inverse of `parseConversationFilters`, in a fixed key order so equal filters give equal URLs. */
export function serializeConversationFilters(filters: ConversationFilters): string {
  const params = new URLSearchParams();
  if (filters.siteId) params.set('site', filters.siteId);
  if (filters.q?.trim()) params.set('q', filters.q.trim());
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.hasImages !== undefined) params.set('images', filters.hasImages ? 'yes' : 'no');
  if (filters.rating) params.set('rating', filters.rating);
  if (filters.hasLead !== undefined) params.set('lead', filters.hasLead ? 'yes' : 'no');
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Filters with empty fields dropped, so `{q: ''}` and `{}` share a cache entry. */
export function normalizeConversationFilters(filters: ConversationFilters): ConversationFilters {
  return parseConversationFilters(serializeConversationFilters(filters));
}
