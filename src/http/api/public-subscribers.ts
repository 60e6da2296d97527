import express, { Router } from 'express';
import type { DomainContext } from '../../context.js';
import { getPage } from '../../pages/internal.js';
import { requestSubscription } from '../../subscribers/request-subscription.js';
import { hitSubscribeLimits, type SubscribeLimits } from '../rate-limit.js';
import { wrappedBody } from './request.js';

/**
 * Statuspage's legacy public sign-up, `POST /api/v2/subscribers.json` with `subscriber[email]`,
 * `subscriber[endpoint]`, `subscriber[component_ids][]` or `subscriber[incident_id]`. The answer
 * never says whether the address was known.
 */
export function publicSubscribersRouter(ctx: DomainContext, limits: SubscribeLimits): Router {
  const router = Router();
  router.post(
    ['/api/v2/subscribers', '/api/v2/subscribers.json'],
    express.json({ limit: '16kb' }),
    express.urlencoded({ extended: true, limit: '16kb', parameterLimit: 500 }),
    async (req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      const body = wrappedBody(req, 'subscriber') as Record<string, unknown> | undefined;
      hitSubscribeLimits(limits, req.ip, body?.['email']);
      const { mode } = await requestSubscription(ctx, getPage(ctx.db).id, body, { clientIp: req.ip, userAgent: req.get('user-agent') });
      res.status(202).json({
        mode,
        message: 'If this address can subscribe, a mail is on its way: follow its link to confirm. Nothing else is sent until then.',
      });
    },
  );
  return router;
}
