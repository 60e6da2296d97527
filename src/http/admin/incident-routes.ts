import { Router, type Response } from 'express';
import { runAudited } from '../../admin/audited.js';
import { listComponents } from '../../components/internal.js';
import { editIncidentUpdate } from '../../incidents/edit-incident-update.js';
import { getIncidentOrThrow, type IncidentWithRelations } from '../../incidents/internal.js';
import { updateIncident } from '../../incidents/update-incident.js';
import { getPage } from '../../pages/internal.js';
import { NotFoundError } from '../../errors.js';
import { checked, formErrors, noErrors, text, type FormErrors, type FormSpec } from './forms.js';
import { incidentFormFrom, incidentFormSpec, readIncidentForm, toIncidentInput, type IncidentFormValues } from './incident-form.js';
import { incidentDetail, incidentFormView, kindOf } from './incident-views.js';
import type { AdminDeps } from './options.js';
import { noticeText, type FormView } from './present.js';
import type { Render } from './render.js';
import { viewerOf } from './session.js';

interface UpdateForm {
  values: IncidentFormValues;
  errors: FormErrors;
}

const resolveSpec: FormSpec = { prefix: 'incident', aliases: { body: 'message' }, labels: { message: 'Message' } };
const editSpec: FormSpec = { prefix: 'incident_update', aliases: { body: 'message' }, labels: { message: 'Text' } };

/** One incident or maintenance: post an update (the same form as creating it), resolve it, edit an update's text. */
export function incidentRoutes(deps: AdminDeps, render: Render): Router {
  const router = Router();
  const { ctx } = deps;

  const show = (res: Response, incident: IncidentWithRelations, forms: { update?: UpdateForm; resolve?: FormView }, status = 200, notice?: string) => {
    const page = getPage(ctx.db);
    const kind = kindOf(incident);
    const update = forms.update ?? { values: incidentFormFrom(incident, page.timeZone), errors: noErrors() };
    const form = incidentFormView(kind, false, update.values, update.errors, page, listComponents(ctx.db, page.id));
    const resolve = forms.resolve ?? { id: 'resolve', values: { message: '', restore_components: true, deliver_notifications: true }, errors: noErrors() };
    render(res, 'incident', {
      title: incident.name,
      section: kind === 'incident' ? 'incidents' : 'maintenance',
      incident: incidentDetail(incident, page.timeZone),
      form,
      resolve,
      notice,
    }, status);
  };
  const load = (id: string) => getIncidentOrThrow(ctx.db, getPage(ctx.db).id, id);

  router.get('/incidents/:incidentId', (req, res) => {
    show(res, load(req.params.incidentId), {}, 200, noticeText(req.query['notice']));
  });

  router.post('/incidents/:incidentId', (req, res) => {
    const page = getPage(ctx.db);
    const current = load(req.params.incidentId);
    const values = readIncidentForm(req.body);
    try {
      const input = toIncidentInput(values, kindOf(current), false, page.timeZone);
      runAudited(ctx, viewerOf(res).user.username, (c) => updateIncident(c, page.id, current.id, input), (i) => ({
        action: `${kindOf(i)}.update`,
        targetType: 'incident',
        targetId: i.id,
        details: { name: i.name, status: i.status, components: input['components'] },
      }));
      res.redirect(303, `/admin/incidents/${current.id}?notice=updated`);
    } catch (error) {
      const errors = formErrors(error, incidentFormSpec);
      show(res, current, { update: { values, errors } }, 422);
    }
  });

  router.post('/incidents/:incidentId/resolve', (req, res) => {
    const page = getPage(ctx.db);
    const current = load(req.params.incidentId);
    const values = { message: text(req.body, 'message'), restore_components: checked(req.body, 'restore_components'), deliver_notifications: checked(req.body, 'deliver_notifications') };
    const status = kindOf(current) === 'incident' ? 'resolved' : 'completed';
    // Only components still showing a problem go back to operational; the others are left as they are.
    const restore = values.restore_components
      ? current.incidentComponents.map((l) => l.component).filter((c) => !c.isGroup && c.status !== 'operational').sort((a, b) => a.position - b.position)
      : [];
    const input = { status, body: values.message, deliver_notifications: values.deliver_notifications, components: Object.fromEntries(restore.map((c) => [c.id, 'operational'])) };
    try {
      runAudited(ctx, viewerOf(res).user.username, (c) => updateIncident(c, page.id, current.id, input), (i) => ({
        action: `${kindOf(i)}.${status === 'resolved' ? 'resolve' : 'complete'}`,
        targetType: 'incident',
        targetId: i.id,
        details: { name: i.name, restored: restore.map((c) => c.id) },
      }));
      res.redirect(303, `/admin/incidents/${current.id}?notice=${status}`);
    } catch (error) {
      show(res, current, { resolve: { id: 'resolve', values, errors: formErrors(error, resolveSpec) } }, 422);
    }
  });

  const showEdit = (res: Response, incident: IncidentWithRelations, updateId: string, form: FormView, status = 200) => {
    const update = incident.updates.find((u) => u.id === updateId);
    if (!update) throw new NotFoundError('incident update', updateId);
    const detail = incidentDetail(incident, getPage(ctx.db).timeZone);
    render(res, 'update-edit', {
      title: `Edit update of ${incident.name}`,
      section: detail.kind === 'incident' ? 'incidents' : 'maintenance',
      incident: detail,
      update: detail.updates.find((u) => u.id === updateId),
      form,
    }, status);
  };

  router.get('/incidents/:incidentId/updates/:updateId', (req, res) => {
    const incident = load(req.params.incidentId);
    const update = incident.updates.find((u) => u.id === req.params.updateId);
    showEdit(res, incident, req.params.updateId, { id: 'edit', values: { message: update?.body ?? '' }, errors: noErrors() });
  });

  router.post('/incidents/:incidentId/updates/:updateId', (req, res) => {
    const page = getPage(ctx.db);
    const incident = load(req.params.incidentId);
    const message = text(req.body, 'message');
    try {
      runAudited(ctx, viewerOf(res).user.username, (c) => editIncidentUpdate(c, page.id, incident.id, req.params.updateId, { body: message }), (u) => ({
        action: 'incident_update.edit',
        targetType: 'incident_update',
        targetId: u.id,
        details: { incident_id: incident.id },
      }));
      res.redirect(303, `/admin/incidents/${incident.id}?notice=update-edited`);
    } catch (error) {
      showEdit(res, incident, req.params.updateId, { id: 'edit', values: { message }, errors: formErrors(error, editSpec) }, 422);
    }
  });
  return router;
}
