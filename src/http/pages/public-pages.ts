import { Router } from 'express';
import type { Eta } from 'eta';
import type { DomainContext } from '../../context.js';
import { getIncidentOrThrow } from '../../incidents/internal.js';
import { getPage } from '../../pages/internal.js';
import { historyPageView, incidentPageView } from '../../public/incident-page-view.js';
import { resource, type PublicSnapshot } from '../../public/snapshot.js';
import { securityHeaders } from '../security-headers.js';
import { writeResource } from '../serve-snapshot.js';

const html = 'text/html; charset=utf-8';
const maxHistoryPage = 1000;

/** Incident pages, history and the webhook documentation: rendered once per data version, then served from memory. */
export function publicPagesRouter(ctx: DomainContext, snapshot: PublicSnapshot, views: Eta): Router {
  const router = Router();
  const notFound = (message: string) =>
    resource(views.render('pages/not-found', { pageName: getPage(ctx.db).name, message }), html);

  router.get('/incidents/:incidentId', (req, res) => {
    const page = getPage(ctx.db);
    const found = snapshot.memo(`incident:${req.params.incidentId}`, () => {
      try {
        const incident = getIncidentOrThrow(ctx.db, page.id, req.params.incidentId);
        return resource(views.render('pages/incident', incidentPageView(page, incident, ctx.publicUrl)), html);
      } catch {
        return undefined;
      }
    });
    if (!found) {
      res.status(404).set(securityHeaders(html)).type('html').send(notFound('There is no such incident.').body);
      return;
    }
    writeResource(req, res, found);
  });

  router.get('/history', (req, res) => {
    const raw = req.query['page'];
    const pageNumber = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : raw === undefined ? 1 : NaN;
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > maxHistoryPage) {
      res.status(400).set(securityHeaders(html)).type('html').send(notFound(`History pages are numbered 1 to ${maxHistoryPage}.`).body);
      return;
    }
    const found = snapshot.memo(`history:${pageNumber}`, () =>
      resource(views.render('pages/history', historyPageView(ctx.db, getPage(ctx.db), pageNumber, ctx.clock.now(), ctx.publicUrl)), html),
    )!;
    writeResource(req, res, found);
  });

  router.get('/webhooks', (req, res) => {
    const found = snapshot.memo('webhooks', () => resource(views.render('pages/webhooks', { pageName: getPage(ctx.db).name }), html))!;
    writeResource(req, res, found);
  });

  // Browsers get a page, not JSON, for paths that do not exist.
  router.get('/*splat', (req, res, next) => {
    if (req.path.startsWith('/api/') || !req.accepts('html')) return next();
    res.status(404).set(securityHeaders(html)).type('html').send(notFound('There is nothing at this address.').body);
  });
  return router;
}
