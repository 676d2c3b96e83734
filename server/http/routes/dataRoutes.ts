import express, { type Response, type Router } from 'express';
import { SiteIdParams } from '../../../contract/common.js';
import { ErasureRequest } from '../../../contract/dataRemoval.js';
import { ListQuery } from '../../../contract/widget.js';
import type { Erasures } from '../../domain/erasures.js';
import { adminOf, requireAdminRole } from '../middleware/adminAuth.js';
import { parse } from '../validate.js';

export interface DataRouteDeps {
  erasures: Erasures;
}

/** The owner's data tools of a site (mounted inside the admin router, behind its authentication). */
export function dataRoutes(deps: DataRouteDeps): Router {
  const router = express.Router();
  const tenant = (res: Response) => adminOf(res).tenantId;

  router.post('/sites/:siteId/erasures', requireAdminRole, async (req, res) => {
    const { siteId } = parse(SiteIdParams, req.params, 'params');
    const body = parse(ErasureRequest, req.body, 'body');
    res.status(201).json(await deps.erasures.erase(tenant(res), siteId, body));
  });
  router.get('/sites/:siteId/removals', async (req, res) => {
    const { siteId } = parse(SiteIdParams, req.params, 'params');
    const query = parse(ListQuery, req.query, 'query');
    res.json(await deps.erasures.list(tenant(res), siteId, query));
  });
  return router;
}
