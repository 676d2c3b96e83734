import express, { type Response, type Router } from 'express';
import { IdParams } from '../../../contract/common.js';
import { SourceCreate, SourceFileFields, SourceListQuery } from '../../../contract/knowledge.js';
import { MAX_KNOWLEDGE_FILE_BYTES } from '../../../contract/limits.js';
import type { KnowledgeSources } from '../../domain/knowledge/knowledgeSources.js';
import { readUpload } from '../../images/readUpload.js';
import { adminOf, requireAdminRole } from '../middleware/adminAuth.js';
import { acceptsMultipart } from '../mountedRoutes.js';
import { parse } from '../validate.js';

/** The admin's knowledge sources (mounted inside the admin router, behind its authentication). */
export function knowledgeRoutes(knowledge: KnowledgeSources): Router {
  const router = express.Router();
  const tenant = (res: Response) => adminOf(res).tenantId;

  router.get('/sites/:id/sources', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const query = parse(SourceListQuery, req.query, 'query');
    res.json(await knowledge.list(tenant(res), id, query));
  });
  router.post('/sites/:id/sources', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(SourceCreate, req.body, 'body');
    res.status(202).json(await knowledge.create(tenant(res), id, body));
  });
  router.post('/sites/:id/sources/files', acceptsMultipart, requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await knowledge.checkSite(tenant(res), id);
    const upload = await readUpload(req, { maxBytes: MAX_KNOWLEDGE_FILE_BYTES, what: 'file' });
    const fields = parse(SourceFileFields, upload.fields, 'body');
    res.status(202).json(await knowledge.upload(tenant(res), id, upload, fields));
  });
  router.get('/sources/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await knowledge.get(tenant(res), id));
  });
  router.post('/sources/:id/sync', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.status(202).json(await knowledge.sync(tenant(res), id));
  });
  router.delete('/sources/:id', requireAdminRole, async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await knowledge.delete(tenant(res), id);
    res.status(204).end();
  });
  return router;
}
