import type { Page } from '../../contract/common.js';
import type { ErasureRequest, RemovalRecord } from '../../contract/dataRemoval.js';
import { decodeCursor } from '../data/cursor.js';
import type { RemovalRepository } from '../data/removalRepository.js';
import type { VisitorRepository } from '../data/visitorRepository.js';
import { type DataRemoval, noRemovals } from './dataRemoval.js';
import type { SiteService } from './siteService.js';

/**
 * Erasing a person on an owner's request: one visitor, or every visitor a verified user id resumed. Everything about
 * them goes at once (`dataRemoval`); the receipt of counts is stored and answered. Erasing someone already gone
 * answers a receipt of zeros: the request is fulfilled either way.
 */
export function erasures(deps: {
  sites: SiteService;
  visitors: VisitorRepository;
  removal: DataRemoval;
  records: RemovalRepository;
}) {
  return {
    async erase(tenantId: string, siteId: string, request: ErasureRequest): Promise<RemovalRecord> {
      await deps.sites.get(tenantId, siteId); // 404 for another tenant's site
      const visitors =
        'visitorId' in request
          ? [await deps.visitors.findForSite(tenantId, siteId, request.visitorId)].filter((v) => v !== null)
          : await deps.visitors.listByUser(tenantId, siteId, request.userId);
      const counts = noRemovals();
      for (const visitor of visitors) await deps.removal.visitor(visitor, counts);
      const subject = 'visitorId' in request ? { visitorId: request.visitorId } : { userId: request.userId };
      return deps.records.create({ tenantId, siteId, kind: 'erasure', subject, before: null, counts });
    },
    /** A site's erasure receipts and retention runs, newest first. */
    async list(tenantId: string, siteId: string, query: { limit: number; cursor?: string }): Promise<Page<RemovalRecord>> {
      await deps.sites.get(tenantId, siteId);
      return deps.records.listForSite(tenantId, siteId, query.limit, decodeCursor(query.cursor));
    },
  };
}
export type Erasures = ReturnType<typeof erasures>;
