import express, { Router, type Request, type Response } from 'express';
import type { Eta } from 'eta';
import type { Clock } from '../../clock.js';
import type { DomainContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { getIncidentOrThrow } from '../../incidents/internal.js';
import { getPage } from '../../pages/internal.js';
import { manageView, subscribeFormView, type FormState } from '../../public/subscription-views.js';
import { describeScope } from '../../subscribers/describe-scope.js';
import { requestSubscription } from '../../subscribers/request-subscription.js';
import { checkConfirmation, confirmSubscription, subscriberByToken, unsubscribeByToken, updateManagedSubscription } from '../../subscribers/self-service.js';
import { hitSubscribeLimits, type SubscribeLimits } from '../rate-limit.js';
import { securityHeaders } from '../security-headers.js';

export interface SubscriptionRouteDeps {
  ctx: DomainContext;
  views: Eta;
  clock: Clock;
  limits: SubscribeLimits;
}

const statusOf: Partial<Record<string, number>> = { not_found: 404, gone: 410, rate_limited: 429, conflict: 409, validation: 422 };
const asList = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
// `subscription.component_ids.0` → `component_ids`: the form field an error belongs next to.
const field = (name: string | undefined) => name?.split('.')[1] ?? 'form';

/** The self-serve subscription pages: subscribe, confirm, manage, unsubscribe (RFC 8058 one-click included). */
export function subscriptionPagesRouter(deps: SubscriptionRouteDeps): Router {
  const { ctx, views } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: true, limit: '16kb', parameterLimit: 500 });

  const render = (res: Response, status: number, view: string, model: Record<string, unknown>) => {
    res.status(status).set(securityHeaders('text/html')).type('html').send(views.render(view, model));
  };
  const message = (res: Response, error: unknown) => {
    if (!(error instanceof AppError) || error.code === 'internal') throw error;
    if (error.details.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.details.retryAfterSeconds));
    render(res, statusOf[error.code] ?? 400, 'pages/message', { pageName: getPage(ctx.db).name, title: 'Something is not right', message: error.message });
  };
  const incidentFor = (id: unknown) => {
    if (typeof id !== 'string' || !id) return undefined;
    try {
      const incident = getIncidentOrThrow(ctx.db, getPage(ctx.db).id, id);
      return { id: incident.id, name: incident.name };
    } catch {
      return undefined;
    }
  };

  router.get('/subscribe', (req, res) => {
    const page = getPage(ctx.db);
    render(res, 200, 'pages/subscribe', subscribeFormView(ctx.db, page, incidentFor(req.query['incident'])));
  });

  router.post('/subscribe', form, async (req: Request, res: Response) => {
    const page = getPage(ctx.db);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = {
      email: typeof body['email'] === 'string' ? body['email'] : undefined,
      ...(typeof body['endpoint'] === 'string' && body['endpoint'].trim() ? { endpoint: body['endpoint'] } : {}),
      component_ids: asList(body['component_ids']),
      ...(typeof body['incident_id'] === 'string' && body['incident_id'] ? { incident_id: body['incident_id'] } : {}),
    };
    const state: FormState = { values: { email: input.email ?? '', endpoint: input.endpoint ?? '', component_ids: input.component_ids } };
    try {
      hitSubscribeLimits(deps.limits, req.ip, input.email);
      const { mode } = await requestSubscription(ctx, page.id, input, { clientIp: req.ip, userAgent: req.get('user-agent') }, 'subscription');
      render(res, 200, 'pages/subscribe-sent', { pageName: page.name, mode });
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation') {
        const view = subscribeFormView(ctx.db, page, incidentFor(input.incident_id), state);
        // An error about a field this form does not show (a kind turned off meanwhile) goes on top.
        const name = field(error.details.field);
        const shown = (name === 'endpoint' && view.allow.webhook) || name === 'email' || name === 'incident_id' || (name === 'component_ids' && view.components.length > 0);
        view.errors = { [shown ? name : 'form']: error.message.replace(/^[\w.]+: /, '') };
        render(res, 422, 'pages/subscribe', view);
        return;
      }
      message(res, error);
    }
  });

  router.get('/subscriptions/confirm/:token', (req, res) => {
    try {
      const { subscriber, used } = checkConfirmation(ctx.db, deps.clock.now(), req.params.token);
      const page = getPage(ctx.db);
      if (used) return render(res, 200, 'pages/confirmed', { pageName: page.name, scope: describeScope(ctx.db, subscriber, page.name), already: true });
      // A webhook's secret is shown once, so link scanners fetching this URL must not consume it: ask for a click.
      if (subscriber.mode === 'webhook') return render(res, 200, 'pages/confirm-webhook', { pageName: page.name, endpoint: subscriber.endpoint, token: req.params.token });
      const outcome = confirmSubscription(ctx, req.params.token);
      render(res, 200, 'pages/confirmed', { pageName: page.name, scope: describeScope(ctx.db, outcome.subscriber, page.name), already: outcome.alreadyConfirmed, manageUrl: undefined });
    } catch (error) {
      message(res, error);
    }
  });

  router.post('/subscriptions/confirm/:token', (req, res) => {
    try {
      const outcome = confirmSubscription(ctx, req.params.token);
      const page = getPage(ctx.db);
      render(res, 200, 'pages/confirmed', {
        pageName: page.name,
        scope: describeScope(ctx.db, outcome.subscriber, page.name),
        already: outcome.alreadyConfirmed,
        endpoint: outcome.subscriber.endpoint,
        secret: outcome.webhookSecret,
      });
    } catch (error) {
      message(res, error);
    }
  });

  router.get('/subscriptions/manage/:token', (req, res) => {
    try {
      const subscriber = subscriberByToken(ctx.db, req.params.token, 'manage');
      render(res, 200, 'pages/manage', manageView(ctx.db, getPage(ctx.db), subscriber, req.params.token));
    } catch (error) {
      message(res, error);
    }
  });

  router.post('/subscriptions/manage/:token', form, (req, res) => {
    const token = req.params['token']!;
    try {
      const subscriber = updateManagedSubscription(ctx, token, { component_ids: asList((req.body as Record<string, unknown> | undefined)?.['component_ids']) });
      render(res, 200, 'pages/manage', manageView(ctx.db, getPage(ctx.db), subscriber, token, 'Your choices are saved.'));
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation') {
        const subscriber = subscriberByToken(ctx.db, token, 'manage');
        render(res, 422, 'pages/manage', manageView(ctx.db, getPage(ctx.db), subscriber, token, undefined, { component_ids: error.message.replace(/^[\w.]+: /, '') }));
        return;
      }
      message(res, error);
    }
  });

  const unsubscribe = (purpose: 'manage' | 'unsubscribe') => (req: Request, res: Response) => {
    try {
      const subscriber = unsubscribeByToken(ctx, String(req.params['token']), purpose);
      render(res, 200, 'pages/unsubscribed', { pageName: getPage(ctx.db).name, address: subscriber.endpoint ?? subscriber.email });
    } catch (error) {
      message(res, error);
    }
  };
  router.post('/subscriptions/manage/:token/unsubscribe', unsubscribe('manage'));

  // GET never unsubscribes (mail scanners prefetch links); it asks. POST acts: the page's button and
  // mail clients' RFC 8058 one-click (`List-Unsubscribe=One-Click`), without cookies or CSRF tokens.
  router.get('/subscriptions/unsubscribe/:token', (req, res) => {
    try {
      const subscriber = subscriberByToken(ctx.db, req.params.token, 'unsubscribe');
      render(res, 200, 'pages/unsubscribe', { pageName: getPage(ctx.db).name, token: req.params.token, address: subscriber.endpoint ?? subscriber.email, already: subscriber.state === 'unsubscribed' });
    } catch (error) {
      message(res, error);
    }
  });
  router.post('/subscriptions/unsubscribe/:token', unsubscribe('unsubscribe'));
  return router;
}
