import { Router, type Response } from 'express';
import { runAudited } from '../../admin/audited.js';
import { getPage, type PageRow } from '../../pages/internal.js';
import { updatePage } from '../../pages/update-page.js';
import { checked, formErrors, noErrors, text, type FormSpec } from './forms.js';
import type { AdminDeps } from './options.js';
import { noticeText, type FormView } from './present.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

export const subscriberKinds = [
  ['allow_email_subscribers', 'Email subscribers'],
  ['allow_webhook_subscribers', 'Webhook subscribers'],
  ['allow_incident_subscribers', 'Subscribing to a single incident'],
] as const;

const spec: FormSpec = {
  prefix: 'page',
  labels: { name: 'Page name', url: 'Page URL', time_zone: 'Time zone', notifications_from_email: 'From address', ...Object.fromEntries(subscriberKinds) },
};

const valuesOf = (page: PageRow) => ({
  name: page.name,
  url: page.url ?? '',
  time_zone: page.timeZone,
  notifications_from_email: page.notificationsFromEmail ?? '',
  allow_email_subscribers: page.allowEmailSubscribers,
  allow_webhook_subscribers: page.allowWebhookSubscribers,
  allow_incident_subscribers: page.allowIncidentSubscribers,
});

// Offered as suggestions; any IANA name the runtime knows is accepted.
const timeZones = Intl.supportedValuesOf('timeZone');

/** Page settings: name, URL, time zone, which subscriptions are allowed, the From address of its mail. */
export function settingsRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;

  const show = (res: Response, form: FormView, status = 200, notice?: string) =>
    render(res, 'settings', { title: 'Settings', section: 'settings', form, kinds: subscriberKinds.map(([name, text]) => ({ name, text })), timeZones, publicUrl: ctx.publicUrl, notice }, status);

  router.get('/settings', (req, res) => {
    show(res, { id: 'settings', values: valuesOf(getPage(ctx.db)), errors: noErrors() }, 200, noticeText(req.query['notice']));
  });

  router.post('/settings', (req, res) => {
    const page = getPage(ctx.db);
    const values = {
      name: text(req.body, 'name'),
      url: text(req.body, 'url').trim(),
      time_zone: text(req.body, 'time_zone').trim(),
      notifications_from_email: text(req.body, 'notifications_from_email').trim(),
      ...Object.fromEntries(subscriberKinds.map(([name]) => [name, checked(req.body, name)])),
    };
    try {
      runAudited(ctx, viewerOf(res).user.username, (c) => updatePage(c, page.id, values), (p) => ({
        action: 'page.update',
        targetType: 'page',
        targetId: p.id,
        details: { ...valuesOf(p) },
      }));
      res.redirect(303, '/admin/settings?notice=settings-saved');
    } catch (error) {
      show(res, { id: 'settings', values, errors: formErrors(error, spec) }, 422);
    }
  });
  return router;
}
