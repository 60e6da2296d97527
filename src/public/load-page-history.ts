import { and, eq, gte, isNotNull, isNull, lt, max, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { componentStatusChanges, incidents } from '../db/schema/index.js';
import { loadIncidents, type IncidentWithRelations } from '../incidents/internal.js';
import { nextDate, localDate, startOfLocalDay } from '../time/zoned.js';
import type { StatusChange } from './uptime.js';

export const uptimeDays = 90;
export const pastIncidentDays = 14;
export const feedSize = 50;

export interface PageHistory {
  /** Per component: the last change before the uptime window, then every change inside it, oldest first. */
  statusChanges: Map<string, StatusChange[]>;
  /** Incidents and maintenances that began in the last 14 local days. */
  recentIncidents: IncidentWithRelations[];
  /** The newest incidents and maintenances, for the feeds. */
  feedIncidents: IncidentWithRelations[];
}

/** When an incident "happened" for day grouping: a maintenance on its scheduled start, an incident when it began. */
export const occurredAt = (i: Pick<IncidentWithRelations, 'scheduledFor' | 'startedAt'>) => i.scheduledFor ?? i.startedAt;

/** What the HTML page and the feeds show beyond the JSON API: uptime history and recent history. */
export function loadPageHistory(db: Db, pageId: string, now: Date, timeZone: string): PageHistory {
  const windowStart = startOfLocalDay(nextDate(localDate(now, timeZone), -(uptimeDays - 1)), timeZone);
  const lastBefore = db
    .select({ componentId: componentStatusChanges.componentId, at: max(componentStatusChanges.changedAt).as('at') })
    .from(componentStatusChanges)
    .where(lt(componentStatusChanges.changedAt, windowStart))
    .groupBy(componentStatusChanges.componentId)
    .as('last_before');
  const rows = db
    .select({ change: componentStatusChanges })
    .from(componentStatusChanges)
    .leftJoin(lastBefore, and(eq(lastBefore.componentId, componentStatusChanges.componentId), eq(lastBefore.at, componentStatusChanges.changedAt)))
    .where(or(gte(componentStatusChanges.changedAt, windowStart), sql`${lastBefore.at} IS NOT NULL`))
    .orderBy(componentStatusChanges.changedAt, componentStatusChanges.id)
    .all();
  const statusChanges = new Map<string, StatusChange[]>();
  for (const { change } of rows) {
    const list = statusChanges.get(change.componentId) ?? [];
    list.push({ at: change.changedAt, from: change.oldStatus, to: change.newStatus });
    statusChanges.set(change.componentId, list);
  }

  const since = startOfLocalDay(nextDate(localDate(now, timeZone), -(pastIncidentDays - 1)), timeZone);
  const recentIncidents = loadIncidents(db, {
    where: and(
      eq(incidents.pageId, pageId),
      or(
        and(isNull(incidents.scheduledFor), gte(incidents.startedAt, since)),
        and(isNotNull(incidents.scheduledFor), gte(incidents.scheduledFor, since), lt(incidents.scheduledFor, now)),
      ),
    ),
  });
  const feedIncidents = loadIncidents(db, { where: eq(incidents.pageId, pageId), limit: feedSize });
  return { statusChanges, recentIncidents, feedIncidents };
}

