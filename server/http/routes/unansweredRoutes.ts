import express, { type Response, type Router } from 'express';
import { SiteIdParams } from '../../../contract/common.js';
import { UnansweredDismiss, UnansweredQuery } from '../../../contract/unanswered.js';
import type { UnansweredQuestions } from '../../domain/unanswered/unansweredQuestions.js';
import { adminOf, requireAdminRole } from '../middleware/adminAuth.js';
import { parse } from '../validate.js';

/** A site's unanswered questions (mounted inside the admin router): members read, org:admin dismisses. */
export function unansweredRoutes(unanswered: UnansweredQuestions): Router {
  const router = express.Router();
  const tenant = (res: Response) => adminOf(res).tenantId;

  router.get('/sites/:siteId/unanswered', async (req, res) => {
    const { siteId } = parse(SiteIdParams, req.params, 'params');
    const query = parse(UnansweredQuery, req.query, 'query');
    res.json(await unanswered.list(tenant(res), siteId, query));
  });
  router.post('/sites/:siteId/unanswered/dismiss', requireAdminRole, async (req, res) => {
    const { siteId } = parse(SiteIdParams, req.params, 'params');
    const { answerIds } = parse(UnansweredDismiss, req.body, 'body');
    res.json(await unanswered.dismiss(tenant(res), siteId, answerIds));
  });
  return router;
}
