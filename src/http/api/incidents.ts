import { Router, type RequestHandler } from 'express';
import type { DomainContext } from '../../context.js';
import { createIncident } from '../../incidents/create-incident.js';
import { deleteIncident } from '../../incidents/delete-incident.js';
import { editIncidentUpdate } from '../../incidents/edit-incident-update.js';
import { getIncidentOrThrow } from '../../incidents/internal.js';
import { listIncidents, type IncidentList } from '../../incidents/list-incidents.js';
import { toIncidentJson, toIncidentUpdateJson } from '../../incidents/present.js';
import { updateIncident } from '../../incidents/update-incident.js';
import { getPageOrThrow } from '../../pages/internal.js';
import { paging, queryString, wrappedBody } from './request.js';

type IncidentParams = { pageId: string; incidentId: string };
type UpdateParams = IncidentParams & { updateId: string };

export function incidentsRouter(ctx: DomainContext): Router {
  const router = Router();
  const present = (incident: Parameters<typeof toIncidentJson>[0]) => toIncidentJson(incident, ctx.publicUrl);
  const base = '/pages/:pageId/incidents';

  router.get(base, (req, res) => {
    const q = queryString(req, 'q');
    res.json(listIncidents(ctx.db, req.params.pageId, { list: 'all', q, ...paging(req) }).map(present));
  });
  // Registered before /:incidentId so these names are never read as ids.
  for (const list of ['unresolved', 'upcoming', 'active_maintenance', 'scheduled'] satisfies IncidentList[]) {
    router.get(`${base}/${list}`, (req, res) => {
      res.json(listIncidents(ctx.db, req.params.pageId, { list, ...paging(req) }).map(present));
    });
  }
  router.post(base, (req, res) => {
    res.status(201).json(present(createIncident(ctx, req.params.pageId, wrappedBody(req, 'incident'))));
  });
  router.get(`${base}/:incidentId`, (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    res.json(present(getIncidentOrThrow(ctx.db, req.params.pageId, req.params.incidentId)));
  });
  const update: RequestHandler<IncidentParams> = (req, res) => {
    res.json(present(updateIncident(ctx, req.params.pageId, req.params.incidentId, wrappedBody(req, 'incident'))));
  };
  router.patch(`${base}/:incidentId`, update);
  router.put(`${base}/:incidentId`, update);
  router.delete(`${base}/:incidentId`, (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    res.json(present(deleteIncident(ctx, req.params.pageId, req.params.incidentId)));
  });

  const editUpdate: RequestHandler<UpdateParams> = (req, res) => {
    getPageOrThrow(ctx.db, req.params.pageId);
    const body = wrappedBody(req, 'incident_update');
    res.json(toIncidentUpdateJson(editIncidentUpdate(ctx, req.params.pageId, req.params.incidentId, req.params.updateId, body)));
  };
  // atlassian-python-api calls the misspelt `incidents_update`.
  for (const segment of ['incident_updates', 'incidents_update']) {
    router.patch(`${base}/:incidentId/${segment}/:updateId`, editUpdate);
    router.put(`${base}/:incidentId/${segment}/:updateId`, editUpdate);
  }
  return router;
}
