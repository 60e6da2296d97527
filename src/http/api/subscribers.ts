import { Router, type RequestHandler } from 'express';
import type { DomainContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { createSubscriber } from '../../subscribers/create-subscriber.js';
import { rotateSubscriberSecret, updateSubscriberComponents } from '../../subscribers/change-subscriber.js';
import { getSubscriberOrThrow } from '../../subscribers/internal.js';
import { bulkChange, listableStates, listSubscribers, reactivate, resend, unsubscribe } from '../../subscribers/manage-subscribers.js';
import { toSubscriberJson } from '../../subscribers/present.js';
import { getPageOrThrow } from '../../pages/internal.js';
import { paging, queryString, wrappedBody } from './request.js';

type PageParams = { pageId: string };
type SubscriberParams = PageParams & { subscriberId: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Subscribers, in Statuspage's shapes, plus Herald's reactivate and secret rotation. */
export function subscribersRouter(ctx: DomainContext): Router {
  const router = Router();
  const base = '/pages/:pageId/subscribers';

  router.get(base, (req, res) => {
    const state = queryString(req, 'state');
    if (state && !(listableStates as readonly string[]).includes(state)) {
      throw new AppError('validation', `state must be one of ${listableStates.join(', ')}`);
    }
    const type = queryString(req, 'type');
    if (type && !['email', 'webhook'].includes(type)) throw new AppError('validation', 'type must be email or webhook');
    const rows = listSubscribers(ctx, req.params.pageId, {
      q: queryString(req, 'q'),
      type,
      state,
      sortField: queryString(req, 'sort_field'),
      sortDirection: queryString(req, 'sort_direction'),
      ...paging(req, { firstPage: 0 }),
    });
    res.json(rows.map(toSubscriberJson));
  });

  const create: RequestHandler<PageParams & { incidentId?: string }> = async (req, res) => {
    const body = wrappedBody(req, 'subscriber');
    const input = req.params.incidentId && isObject(body) ? { ...body, incident_id: req.params.incidentId } : body;
    const { subscriber, secret } = await createSubscriber(ctx, req.params.pageId, input);
    res.status(201).json({ ...toSubscriberJson(subscriber), ...(secret ? { secret } : {}) });
  };
  router.post(base, create);
  router.post('/pages/:pageId/incidents/:incidentId/subscribers', create);
  router.get('/pages/:pageId/incidents/:incidentId/subscribers', (req, res) => {
    const rows = listSubscribers(ctx, req.params.pageId, { state: 'all', ...paging(req) });
    res.json(rows.filter((s) => s.incidentId === req.params.incidentId).map(toSubscriberJson));
  });

  // The bulk actions answer 201 with no body, as on Statuspage.
  router.post(`${base}/unsubscribe`, (req, res) => {
    bulkChange(ctx, req.params.pageId, 'unsubscribe', req.body);
    res.status(201).end();
  });
  router.post(`${base}/reactivate`, (req, res) => {
    bulkChange(ctx, req.params.pageId, 'reactivate', req.body);
    res.status(201).end();
  });
  router.post(`${base}/resend_confirmation`, (req, res) => {
    bulkChange(ctx, req.params.pageId, 'resend_confirmation', req.body);
    res.status(201).end();
  });

  router.get(`${base}/:subscriberId`, (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    res.json(toSubscriberJson(getSubscriberOrThrow(ctx.db, req.params.pageId, req.params.subscriberId)));
  });
  const update: RequestHandler<SubscriberParams> = (req, res) => {
    const body: unknown = req.body;
    const input = isObject(body) && isObject(body['subscriber']) ? body['subscriber'] : (body ?? {});
    res.json(toSubscriberJson(updateSubscriberComponents(ctx, req.params.pageId, req.params.subscriberId, input)));
  };
  router.patch(`${base}/:subscriberId`, update);
  router.put(`${base}/:subscriberId`, update);
  router.delete(`${base}/:subscriberId`, (req, res) => {
    res.json(toSubscriberJson(unsubscribe(ctx, req.params.pageId, req.params.subscriberId)));
  });
  router.post(`${base}/:subscriberId/resend_confirmation`, (req, res) => {
    resend(ctx, req.params.pageId, req.params.subscriberId);
    res.status(201).end();
  });
  router.post(`${base}/:subscriberId/reactivate`, (req, res) => {
    res.json(toSubscriberJson(reactivate(ctx, req.params.pageId, req.params.subscriberId)));
  });
  router.post(`${base}/:subscriberId/rotate_secret`, (req, res) => {
    const rotated = rotateSubscriberSecret(ctx, req.params.pageId, req.params.subscriberId);
    res.json({ secret: rotated.secret, previous_secret_expires_at: rotated.previousSecretExpiresAt.toISOString() });
  });
  return router;
}
