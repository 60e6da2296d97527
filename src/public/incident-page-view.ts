import { and, eq, gte, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { closedIncidentStatuses } from '../db/schema/constants.js';
import { incidents } from '../db/schema/index.js';
import { loadIncidents, isMaintenance, type IncidentWithRelations } from '../incidents/internal.js';
import type { PageRow } from '../pages/internal.js';
import { localDate, wallTime, zonedToUtc } from '../time/zoned.js';
import { occurredAt } from './load-page-history.js';
import { incidentView, timeFormatter } from './status-page-view.js';
import { statusLabel } from '../status/labels.js';

/** "Resolved after 2 h 5 min", from start to resolution. */
export function durationText(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', `${minutes % 60} min`].filter(Boolean);
  return parts.join(' ');
}

const pageInfo = (page: PageRow, publicUrl: string) => ({ name: page.name, url: page.url ?? publicUrl, timeZone: page.timeZone, feeds: page.allowRssAtomFeeds });

export function incidentPageView(page: PageRow, incident: IncidentWithRelations, publicUrl: string) {
  const time = timeFormatter(page.timeZone);
  const maintenance = isMaintenance(incident);
  const startedAt = maintenance ? (incident.scheduledFor ?? incident.startedAt) : incident.startedAt;
  const base = incidentView(incident, publicUrl, time);
  return {
    page: pageInfo(page, publicUrl),
    incident: {
      ...base,
      kind: maintenance ? 'Scheduled maintenance' : 'Incident',
      followable: page.allowIncidentSubscribers && !closedIncidentStatuses.includes(incident.status),
      duration: incident.resolvedAt ? `${maintenance ? 'Completed' : 'Resolved'} after ${durationText(startedAt, incident.resolvedAt)}.` : '',
      components: incident.incidentComponents
        .map((link) => link.component)
        .sort((a, b) => a.position - b.position)
        .map((c) => ({ name: c.name, status: c.status, statusLabel: statusLabel(c.status) })),
    },
  };
}

export const monthsPerHistoryPage = 3;

/** The months of history page `pageNumber` (1 = the current month and the two before it), in the page's zone. */
export function historyPageView(db: Db, page: PageRow, pageNumber: number, now: Date, publicUrl: string) {
  const time = timeFormatter(page.timeZone);
  const today = wallTime(now, page.timeZone);
  const months = Array.from({ length: monthsPerHistoryPage }, (_, n) => {
    const index = today.year * 12 + (today.month - 1) - (pageNumber - 1) * monthsPerHistoryPage - n;
    return { year: Math.floor(index / 12), month: (index % 12) + 1 };
  });
  const monthStart = (m: { year: number; month: number }) => zonedToUtc({ year: m.year, month: m.month, day: 1, hour: 0, minute: 0 }, page.timeZone);
  const last = months[months.length - 1]!;
  const first = months[0]!;
  const from = monthStart(last);
  const to = monthStart({ year: first.month === 12 ? first.year + 1 : first.year, month: (first.month % 12) + 1 });
  const rows = loadIncidents(db, {
    where: and(
      eq(incidents.pageId, page.id),
      or(
        and(isNull(incidents.scheduledFor), gte(incidents.startedAt, from), lt(incidents.startedAt, to)),
        and(isNotNull(incidents.scheduledFor), gte(incidents.scheduledFor, from), lt(incidents.scheduledFor, to)),
      ),
    ),
  }).sort((a, b) => occurredAt(b).getTime() - occurredAt(a).getTime());
  const older = loadIncidents(db, {
    where: and(eq(incidents.pageId, page.id), or(lt(incidents.startedAt, from), lt(incidents.scheduledFor, from))),
    limit: 1,
  });
  const label = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', year: 'numeric' });
  return {
    page: pageInfo(page, publicUrl),
    months: months.map((m) => {
      const key = `${m.year}-${String(m.month).padStart(2, '0')}`;
      return {
        key,
        label: label.format(new Date(Date.UTC(m.year, m.month - 1, 15))),
        incidents: rows
          .filter((i) => localDate(occurredAt(i), page.timeZone).startsWith(key))
          .map((i) => ({
            ...incidentView(i, publicUrl, time),
            kind: isMaintenance(i) ? 'Maintenance' : 'Incident',
            when: `${time(occurredAt(i))}${i.resolvedAt ? ` – ${time(i.resolvedAt)}` : ''}`,
          })),
      };
    }),
    newer: pageNumber > 1 ? (pageNumber === 2 ? '/history' : `/history?page=${pageNumber - 1}`) : undefined,
    older: older.length > 0 ? `/history?page=${pageNumber + 1}` : undefined,
  };
}

