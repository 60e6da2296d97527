import { and, eq, exists, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { containsText } from '../db/search.js';
import type { Db } from '../db/client.js';
import { activeMaintenanceStatuses, unresolvedRealtimeStatuses } from '../db/schema/constants.js';
import { incidents, incidentUpdates } from '../db/schema/index.js';
import { getPageOrThrow } from '../pages/internal.js';
import { loadIncidents, type IncidentWithRelations } from './internal.js';

export const incidentLists = ['all', 'unresolved', 'upcoming', 'active_maintenance', 'scheduled'] as const;
export type IncidentList = (typeof incidentLists)[number];

export interface ListIncidentsQuery {
  list: IncidentList;
  q?: string | undefined;
  limit: number;
  offset: number;
}

const listFilters: Record<IncidentList, SQL | undefined> = {
  all: undefined,
  unresolved: and(isNull(incidents.scheduledFor), inArray(incidents.status, [...unresolvedRealtimeStatuses])),
  upcoming: and(isNotNull(incidents.scheduledFor), eq(incidents.status, 'scheduled')),
  active_maintenance: and(isNotNull(incidents.scheduledFor), inArray(incidents.status, [...activeMaintenanceStatuses])),
  scheduled: isNotNull(incidents.scheduledFor),
};

/** Incidents of the page, newest first; `q` searches name, status, postmortem and update bodies. */
export function listIncidents(db: Db, pageId: string, query: ListIncidentsQuery): IncidentWithRelations[] {
  getPageOrThrow(db, pageId);
  const search = query.q
    ? or(
        containsText(incidents.name, query.q),
        containsText(incidents.status, query.q),
        containsText(incidents.postmortemBody, query.q),
        exists(
          db
            .select({ one: sql`1` })
            .from(incidentUpdates)
            .where(and(eq(incidentUpdates.incidentId, incidents.id), containsText(incidentUpdates.body, query.q))),
        ),
      )
    : undefined;
  return loadIncidents(db, {
    where: and(eq(incidents.pageId, pageId), listFilters[query.list], search),
    limit: query.limit,
    offset: query.offset,
  });
}
