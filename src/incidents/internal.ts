import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { incidents, incidentUpdates } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';

export type IncidentRow = typeof incidents.$inferSelect;
export type IncidentUpdateRow = typeof incidentUpdates.$inferSelect;

export interface LoadIncidentsOptions {
  where?: SQL | undefined;
  limit?: number;
  offset?: number;
}

/** Incidents with their updates (newest first) and affected components, newest first. */
export function loadIncidents(db: Db | Tx, { where, limit, offset }: LoadIncidentsOptions = {}) {
  return db.query.incidents
    .findMany({
      where,
      with: {
        updates: { orderBy: [desc(incidentUpdates.seq)] },
        incidentComponents: { with: { component: true } },
      },
      orderBy: [desc(incidents.createdAt), desc(incidents.id)],
      ...(limit === undefined ? {} : { limit }),
      ...(offset === undefined ? {} : { offset }),
    })
    .sync();
}

export type IncidentWithRelations = ReturnType<typeof loadIncidents>[number];

/** One incident of the page with its relations. Throws NotFoundError on miss. */
export function getIncidentOrThrow(db: Db | Tx, pageId: string, id: string): IncidentWithRelations {
  const [incident] = loadIncidents(db, { where: and(eq(incidents.pageId, pageId), eq(incidents.id, id)) });
  if (!incident) throw new NotFoundError('incident', id);
  return incident;
}

export const isMaintenance = (incident: Pick<IncidentRow, 'scheduledFor'>) => incident.scheduledFor !== null;

export const effectiveImpact = (incident: Pick<IncidentRow, 'impactOverride' | 'peakImpact'>) =>
  incident.impactOverride ?? incident.peakImpact;
