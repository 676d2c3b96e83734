import express, { type Response, type Router } from 'express';
import { IdParams } from '../../../contract/common.js';
import { DeliveryListQuery, WebhookCreate, WebhookUpdate } from '../../../contract/webhooks.js';
import type { WebhookService } from '../../domain/webhooks/webhookService.js';
import { adminOf, requireAdminRole } from '../middleware/adminAuth.js';
import { parse } from '../validate.js';

/** The tenant's webhooks (mounted inside the admin router): org:admin only, reads included (URLs and logs are settings). */
export function webhookRoutes(webhooks: WebhookService): Router {
  const router = express.Router();
  const tenant = (res: Response) => adminOf(res).tenantId;
  router.use('/webhooks', requireAdminRole);

  router.get('/webhooks', async (_req, res) => {
    res.json(await webhooks.list(tenant(res)));
  });
  router.post('/webhooks', async (req, res) => {
    const body = parse(WebhookCreate, req.body, 'body');
    res.status(201).json(await webhooks.create(tenant(res), body));
  });
  router.get('/webhooks/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await webhooks.get(tenant(res), id));
  });
  router.patch('/webhooks/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(WebhookUpdate, req.body, 'body');
    res.json(await webhooks.update(tenant(res), id, body));
  });
  router.delete('/webhooks/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await webhooks.delete(tenant(res), id);
    res.status(204).end();
  });
  router.post('/webhooks/:id/secret', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(await webhooks.rotateSecret(tenant(res), id));
  });
  router.post('/webhooks/:id/test', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.status(202).json(await webhooks.sendTest(tenant(res), id));
  });
  router.get('/webhooks/:id/deliveries', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const query = parse(DeliveryListQuery, req.query, 'query');
    res.json(await webhooks.deliveries(tenant(res), id, query));
  });
  return router;
}
