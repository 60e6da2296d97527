import { childrenByGroup, type ComponentRow } from '../components/internal.js';
import { effectiveImpact, type IncidentWithRelations } from '../incidents/internal.js';
import { localDate, nextDate } from '../time/zoned.js';
import type { PageState } from './load-page-state.js';
import { occurredAt, pastIncidentDays, uptimeDays, type PageHistory } from './load-page-history.js';
import { plainTextToHtml } from './plain-text.js';
import { statusLabel } from '../status/labels.js';
import { componentUptime, formatPercent, localDayBounds, type DayBounds } from './uptime.js';


/** Formats an instant in the page's zone, naming the zone: time zones are this field's most repeated bug. */
const formatters = new Map<string, (d: Date | null) => string>();
export function timeFormatter(timeZone: string) {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const formatter = (d: Date | null) => (d ? format.format(d) : '');
  // Building an Intl formatter costs far more than using one, and every mail and page needs one.
  formatters.set(timeZone, formatter);
  return formatter;
}

const dayFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
const shortDayFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });
/** A local date (`YYYY-MM-DD`) as words; the date is already in the page's zone. */
export const dateLabel = (date: string, short = false) => (short ? shortDayFormat : dayFormat).format(new Date(`${date}T12:00:00Z`));

const cellClass: Record<string, string> = {
  degraded_performance: 'd',
  partial_outage: 'p',
  major_outage: 'm',
  under_maintenance: 'u',
};

/** The 90 day cells as compact HTML (no user text in it), and the period's uptime. */
function uptimeBar(component: ComponentRow, history: PageHistory, now: Date, days: readonly DayBounds[]) {
  const since = component.startDate && new Date(`${component.startDate}T00:00:00Z`) < component.createdAt ? new Date(`${component.startDate}T00:00:00Z`) : component.createdAt;
  const { days: byDay, uptime } = componentUptime({
    since,
    currentStatus: component.status,
    changes: history.statusChanges.get(component.id) ?? [],
    now,
    days,
  });
  // Days before the component existed are one wide cell; operational days carry no class (the default colour).
  const known = byDay.filter((d) => d.worst !== null);
  const missing = byDay.length - known.length;
  const cells =
    (missing > 0 ? `<i class=n style="flex:${missing}" title="No data before ${dateLabel(known[0]?.date ?? byDay.at(-1)!.date, true)}"></i>` : '') +
    known
      .map((d) => {
        const cls = d.worst === 'operational' ? '' : ` class=${cellClass[d.worst!]}`;
        return `<i${cls} title="${dateLabel(d.date, true)}: ${formatPercent(d.uptime!)}"></i>`;
      })
      .join('');
  return { cells, percent: uptime === null ? null : formatPercent(uptime) };
}

export function incidentView(i: IncidentWithRelations, publicUrl: string, time: (d: Date | null) => string) {
  return {
    id: i.id,
    name: i.name,
    impact: effectiveImpact(i),
    status: statusLabel(i.status),
    url: `${publicUrl}/incidents/${i.id}`,
    scheduledFor: time(i.scheduledFor),
    scheduledUntil: time(i.scheduledUntil),
    updates: i.updates.map((u) => ({ status: statusLabel(u.status), html: plainTextToHtml(u.body), at: time(u.displayAt), iso: u.displayAt.toISOString() })),
  };
}

/** The view model of `/`: built from the same state as the JSON API, plus uptime and recent history. */
export function statusPageView(state: PageState, history: PageHistory, publicUrl: string, now: Date) {
  const timeZone = state.page.timeZone;
  const time = timeFormatter(timeZone);
  const dayBounds = localDayBounds(now, timeZone, uptimeDays);
  const visible = (c: ComponentRow) => !c.onlyShowIfDegraded || c.status !== 'operational';
  const childIds = childrenByGroup(state.components);
  const byId = new Map(state.components.map((c) => [c.id, c]));
  const view = (c: ComponentRow) => ({
    name: c.name,
    description: c.description,
    status: c.status,
    statusLabel: statusLabel(c.status),
    uptime: c.showcase && !c.isGroup ? uptimeBar(c, history, now, dayBounds) : null,
  });
  const components = state.components
    .filter((c) => c.groupId === null || !byId.has(c.groupId))
    .flatMap((c) => {
      if (!c.isGroup) return visible(c) ? [{ ...view(c), isGroup: false, children: [], open: false }] : [];
      const children = (childIds.get(c.id) ?? []).map((id) => byId.get(id)!).filter(visible);
      // A group opens by itself when something in it is wrong.
      const open = children.some((child) => child.status !== 'operational');
      return children.length === 0 ? [] : [{ ...view(c), isGroup: true, children: children.map(view), open }];
    });

  const today = localDate(now, timeZone);
  const pastDays = Array.from({ length: pastIncidentDays }, (_, n) => nextDate(today, -n)).map((date) => ({
    label: dateLabel(date),
    incidents: history.recentIncidents
      .filter((i) => localDate(occurredAt(i), timeZone) === date)
      .map((i) => incidentView(i, publicUrl, time)),
  }));
  return {
    page: { name: state.page.name, url: state.page.url ?? publicUrl, timeZone, feeds: state.page.allowRssAtomFeeds },
    status: state.status,
    components,
    incidents: state.unresolvedIncidents.map((i) => incidentView(i, publicUrl, time)),
    maintenances: [...state.activeMaintenances, ...state.upcomingMaintenances].map((i) => incidentView(i, publicUrl, time)),
    pastDays,
    updatedAt: time(state.updatedAt),
  };
}
export type StatusPageView = ReturnType<typeof statusPageView>;
