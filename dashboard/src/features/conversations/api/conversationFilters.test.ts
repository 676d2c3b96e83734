import { describe, expect, it } from 'vitest';
import { parseConversationFilters, serializeConversationFilters } from './conversationFilters.js';
import { conversationsQueryKey } from './getConversations.js';

const SITE = '65a1b2c3d4e5f60718293a4b';

describe('conversation filters ↔ URL ↔ query key', () => {
  it('round-trips every filter through the URL query', () => {
    const filters = {
      siteId: SITE,
      q: 'refund policy',
      from: '2026-01-01',
      to: '2026-01-31',
      hasImages: true,
      rating: 'down' as const,
      hasLead: true,
    };
    const search = serializeConversationFilters(filters);
    expect(search).toBe(`?site=${SITE}&q=refund+policy&from=2026-01-01&to=2026-01-31&images=yes&rating=down&lead=yes`);
    expect(parseConversationFilters(search)).toEqual(filters);
    expect(parseConversationFilters('?images=no')).toEqual({ hasImages: false });
    expect(parseConversationFilters('?lead=no')).toEqual({ hasLead: false });
  });

  it('gives no query string for no filters, and drops blank search', () => {
    expect(serializeConversationFilters({})).toBe('');
    expect(serializeConversationFilters({ q: '   ' })).toBe('');
  });

  it('ignores malformed values from a hand-edited URL', () => {
    expect(parseConversationFilters('?site=nope&from=yesterday&to=2026-13&images=maybe&rating=meh&lead=1&q=')).toEqual({});
  });

  it('gives equal query keys for equal filters however they were written', () => {
    const fromUrl = parseConversationFilters(`?rating=up&site=${SITE}`);
    expect(conversationsQueryKey(fromUrl)).toEqual(conversationsQueryKey({ siteId: SITE, rating: 'up', q: '' }));
    expect(conversationsQueryKey({ q: ' hi ' })).toEqual(['conversations', 'list', { q: 'hi' }]);
    expect(conversationsQueryKey({})).not.toEqual(conversationsQueryKey({ hasImages: false }));
  });
});
