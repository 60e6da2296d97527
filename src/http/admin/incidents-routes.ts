import { Router, type RequestHandler, type Response } from 'express';
import { runAudited } from '../../admin/audited.js';
import { listComponents } from '../../components/internal.js';
import { createIncident } from '../../incidents/create-incident.js';
import { listIncidents } from '../../incidents/list-incidents.js';
import { getPage } from '../../pages/internal.js';
import { formErrors, noErrors, type FormErrors } from './forms.js';
import { blankIncidentForm, incidentFormSpec, readIncidentForm, toIncidentInput, type IncidentFormValues, type IncidentKind } from './incident-form.js';
import { incidentFormView, incidentRow } from './incident-views.js';
import type { AdminDeps } from './options.js';
import { noticeText } from './present.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

const sectionOf = (kind: IncidentKind) => (kind === 'incident' ? 'incidents' : 'maintenance');

/** Incident and maintenance lists, and the forms that open one. */
export function incidentsRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;

  const showNew = (res: Response, kind: IncidentKind, values: IncidentFormValues, errors: FormErrors, status = 200) => {
    const page = getPage(ctx.db);
    const form = incidentFormView(kind, true, values, errors, page, listComponents(ctx.db, page.id));
    const title = kind === 'incident' ? 'New incident' : 'Schedule maintenance';
    render(res, 'incident-new', { title, section: sectionOf(kind), form, action: `/admin/${sectionOf(kind)}` }, status);
  };

  const create = (kind: IncidentKind): RequestHandler => (req, res) => {
    const page = getPage(ctx.db);
    const values = readIncidentForm(req.body);
    try {
      const input = toIncidentInput(values, kind, true, page.timeZone);
      const incident = runAudited(ctx, viewerOf(res).user.username, (c) => createIncident(c, page.id, input), (i) => ({
        action: kind === 'incident' ? 'incident.create' : 'maintenance.schedule',
        targetType: 'incident',
        targetId: i.id,
        details: {
          name: i.name,
          status: i.status,
          components: input['components'] ?? input['component_ids'],
          scheduled_for: i.scheduledFor?.toISOString(),
          scheduled_until: i.scheduledUntil?.toISOString(),
        },
      }));
      res.redirect(303, `/admin/incidents/${incident.id}?notice=${kind === 'incident' ? 'incident-created' : 'maintenance-scheduled'}`);
    } catch (error) {
      showNew(res, kind, values, formErrors(error, incidentFormSpec), 422);
    }
  };

  router.get('/', (_req, res) => res.redirect(303, '/admin/incidents'));

  router.get('/incidents', (req, res) => {
    const page = getPage(ctx.db);
    const open = listIncidents(ctx.db, page.id, { list: 'unresolved', limit: 100, offset: 0 });
    const recent = listIncidents(ctx.db, page.id, { list: 'all', limit: 100, offset: 0 }).filter(
      (i) => !i.scheduledFor && !open.some((o) => o.id === i.id),
    );
    const row = (i: (typeof open)[number]) => incidentRow(i, page.timeZone);
    render(res, 'incidents', { title: 'Incidents', section: 'incidents', open: open.map(row), recent: recent.slice(0, 50).map(row), notice: noticeText(req.query['notice']) });
  });
  router.get('/incidents/new', (_req, res) => showNew(res, 'incident', blankIncidentForm('incident'), noErrors()));
  router.post('/incidents', create('incident'));

  router.get('/maintenance', (_req, res) => {
    const page = getPage(ctx.db);
    const list = (name: 'active_maintenance' | 'upcoming' | 'scheduled') =>
      listIncidents(ctx.db, page.id, { list: name, limit: 100, offset: 0 }).map((i) => incidentRow(i, page.timeZone));
    const active = list('active_maintenance');
    const upcoming = list('upcoming');
    const past = list('scheduled').filter((i) => ![...active, ...upcoming].some((o) => o.id === i.id));
    render(res, 'maintenance', { title: 'Maintenance', section: 'maintenance', active, upcoming, past: past.slice(0, 50), timeZone: page.timeZone });
  });
  router.get('/maintenance/new', (_req, res) => showNew(res, 'maintenance', blankIncidentForm('maintenance'), noErrors()));
  router.post('/maintenance', create('maintenance'));
  return router;
}
