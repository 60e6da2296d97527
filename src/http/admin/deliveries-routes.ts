import { Router } from 'express';
import { runAudited } from '../../admin/audited.js';
import { deliveryStates } from '../../db/schema/constants.js';
import { getDelivery, listDeliveries, retryDelivery, type DeliveryView } from '../../deliveries/manage-deliveries.js';
import { getPage } from '../../pages/internal.js';
import type { AdminDeps } from './options.js';
import { formatTime, label, noticeText, pageNumber } from './present.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

const perPage = 50;
const retryable = ['failed', 'held', 'cancelled'];

function deliveryRow(view: DeliveryView, timeZone: string) {
  const d = view.delivery;
  return {
    id: String(d.id),
    href: `/admin/deliveries/${d.id}`,
    eventType: view.eventType,
    channel: d.channel,
    target: d.channel === 'webhook' ? (view.endpoint ?? '') : view.email,
    state: d.state,
    stateLabel: label(d.state),
    attempts: d.attemptCount,
    lastError: d.lastError ?? '',
    nextAttemptAt: d.state === 'pending' || d.state === 'sending' ? formatTime(d.nextAttemptAt, timeZone) : '',
    createdAt: formatTime(d.createdAt, timeZone),
    canRetry: retryable.includes(d.state),
  };
}

/** The outbox as operators see it: failed and held (quarantined) deliveries first, each attempt, a manual retry. */
export function deliveriesRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;

  router.get('/deliveries', (req, res) => {
    const page = getPage(ctx.db);
    const state = typeof req.query['state'] === 'string' && req.query['state'] !== '' ? req.query['state'] : undefined;
    const number = pageNumber(req.query['page']);
    const rows = listDeliveries(ctx, page.id, { state, limit: perPage + 1, offset: (number - 1) * perPage });
    const base = `/admin/deliveries?${new URLSearchParams(state ? { state } : {})}`;
    render(res, 'deliveries', {
      title: 'Deliveries',
      section: 'deliveries',
      notice: noticeText(req.query['notice']),
      state: state ?? '',
      stateOptions: [{ value: '', label: 'All (failed and held first)' }, ...deliveryStates.map((s) => ({ value: s, label: label(s) }))],
      deliveries: rows.slice(0, perPage).map((r) => deliveryRow(r, page.timeZone)),
      previous: number > 1 ? `${base}&page=${number - 1}` : undefined,
      next: rows.length > perPage ? `${base}&page=${number + 1}` : undefined,
    });
  });

  router.get('/deliveries/:deliveryId', (req, res) => {
    const page = getPage(ctx.db);
    const view = getDelivery(ctx, page.id, req.params.deliveryId);
    render(res, 'delivery', {
      title: `Delivery ${view.delivery.id}`,
      section: 'deliveries',
      notice: noticeText(req.query['notice']),
      delivery: deliveryRow(view, page.timeZone),
      attempts: view.attempts.map((a) => ({
        number: a.attemptNumber,
        startedAt: formatTime(a.startedAt, page.timeZone),
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        error: a.error ?? '',
        response: a.responseExcerpt ?? '',
      })),
    });
  });

  router.post('/deliveries/:deliveryId/retry', (req, res) => {
    const page = getPage(ctx.db);
    const view = runAudited(ctx, viewerOf(res).user.username, (c) => retryDelivery(c, page.id, req.params.deliveryId), (v) => ({
      action: 'delivery.retry',
      targetType: 'delivery',
      targetId: String(v.delivery.id),
      details: { event_type: v.eventType, channel: v.delivery.channel },
    }));
    res.redirect(303, `/admin/deliveries/${view.delivery.id}?notice=retried`);
  });
  return router;
}
