import { Router, type Response } from 'express';
import { runAudited } from '../../admin/audited.js';
import { getPage } from '../../pages/internal.js';
import { listableStates, listSubscribers, reactivate, unsubscribe } from '../../subscribers/manage-subscribers.js';
import { text } from './forms.js';
import type { AdminDeps } from './options.js';
import { formatTime, label, noticeText, pageNumber } from './present.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

const perPage = 50;

/** The list filters a request asks for; an unknown state shows the active subscribers. */
function filters(source: Record<string, unknown>) {
  const state = typeof source['state'] === 'string' && (listableStates as readonly string[]).includes(source['state']) ? source['state'] : 'active';
  const q = typeof source['q'] === 'string' ? source['q'].trim().slice(0, 255) : '';
  return { state, q };
}

const listUrl = (f: { state: string; q: string }, notice?: string) => {
  const query = new URLSearchParams({ state: f.state, ...(f.q ? { q: f.q } : {}), ...(notice ? { notice } : {}) });
  return `/admin/subscribers?${query}`;
};

/** Subscribers by state, searchable by address; unsubscribe and reactivate. */
export function subscribersRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;

  router.get('/subscribers', (req, res) => {
    const page = getPage(ctx.db);
    const f = filters(req.query as Record<string, unknown>);
    const number = pageNumber(req.query['page']);
    const rows = listSubscribers(ctx, page.id, { q: f.q || undefined, state: f.state, limit: perPage + 1, offset: (number - 1) * perPage });
    render(res, 'subscribers', {
      title: 'Subscribers',
      section: 'subscribers',
      notice: noticeText(req.query['notice']),
      filters: f,
      states: listableStates.map((value) => ({ value, label: value === 'all' ? 'All' : label(value), href: listUrl({ state: value, q: f.q }), current: value === f.state })),
      subscribers: rows.slice(0, perPage).map((s) => ({
        id: s.id,
        mode: s.mode,
        address: s.mode === 'webhook' ? (s.endpoint ?? '') : s.email,
        contact: s.mode === 'webhook' ? s.email : '',
        state: s.state,
        stateLabel: label(s.state),
        scope: s.scope === 'page' ? 'Whole page' : s.scope === 'incident' ? `Incident ${s.incidentId}` : `${s.componentIds.length} component(s)`,
        createdAt: formatTime(s.createdAt, page.timeZone),
        quarantineReason: s.quarantineReason,
        canUnsubscribe: s.state !== 'unsubscribed',
        canReactivate: s.state === 'quarantined' || s.state === 'unsubscribed',
      })),
      pageNumber: number,
      previous: number > 1 ? `${listUrl(f)}&page=${number - 1}` : undefined,
      next: rows.length > perPage ? `${listUrl(f)}&page=${number + 1}` : undefined,
    });
  });

  const act = (action: 'unsubscribe' | 'reactivate') =>
    router.post(`/subscribers/:subscriberId/${action}`, (req, res: Response) => {
      const page = getPage(ctx.db);
      const verb = action === 'unsubscribe' ? unsubscribe : reactivate;
      runAudited(ctx, viewerOf(res).user.username, (c) => verb(c, page.id, req.params.subscriberId), (s) => ({
        action: `subscriber.${action}`,
        targetType: 'subscriber',
        targetId: s.id,
        details: { mode: s.mode, state: s.state },
      }));
      res.redirect(303, listUrl(filters({ state: text(req.body, 'state'), q: text(req.body, 'q') }), action === 'unsubscribe' ? 'unsubscribed' : 'reactivated'));
    });
  act('unsubscribe');
  act('reactivate');
  return router;
}
