import { Router } from 'express';
import type { DomainContext } from '../../context.js';
import { getDelivery, listDeliveries, retryDelivery } from '../../deliveries/manage-deliveries.js';
import { toAttemptJson, toDeliveryJson } from '../../deliveries/present.js';
import { paging, queryString } from './request.js';

/** Herald's delivery log: what was sent to whom, every attempt, and a manual retry. */
export function deliveriesRouter(ctx: DomainContext): Router {
  const router = Router();
  const base = '/pages/:pageId/deliveries';
  const withAttempts = (view: ReturnType<typeof getDelivery>) => ({ ...toDeliveryJson(view), attempts: view.attempts.map(toAttemptJson) });

  router.get(base, (req, res) => {
    const rows = listDeliveries(ctx, req.params.pageId, {
      state: queryString(req, 'state'),
      subscriberId: queryString(req, 'subscriber_id'),
      eventId: queryString(req, 'event_id'),
      ...paging(req),
    });
    res.json(rows.map(toDeliveryJson));
  });
  router.get(`${base}/:deliveryId`, (req, res) => {
    res.json(withAttempts(getDelivery(ctx, req.params.pageId, req.params.deliveryId)));
  });
  router.post(`${base}/:deliveryId/retry`, (req, res) => {
    res.json(withAttempts(retryDelivery(ctx, req.params.pageId, req.params.deliveryId)));
  });
  return router;
}
