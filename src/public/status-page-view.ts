import { childrenByGroup, type ComponentRow } from '../components/internal.js';
import { effectiveImpact, type IncidentWithRelations } from '../incidents/internal.js';
import type { PageState } from './load-page-state.js';

const statusLabels: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};
export const statusLabel = (status: string) => statusLabels[status] ?? status;

/** Formats an instant in the page's zone, naming the zone: time zones are this field's most repeated bug. */
export function timeFormatter(timeZone: string) {
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
  return (d: Date | null) => (d ? format.format(d) : '');
}

interface ComponentView {
  id: string;
  name: string;
  description: string | null;
  status: string;
  statusLabel: string;
  children: ComponentView[];
}

function componentView(row: ComponentRow, children: ComponentView[]): ComponentView {
  return { id: row.id, name: row.name, description: row.description, status: row.status, statusLabel: statusLabel(row.status), children };
}

/** The view model of `/`: built from the same state as the JSON API. */
export function statusPageView(state: PageState, publicUrl: string) {
  const time = timeFormatter(state.page.timeZone);
  const visible = (c: ComponentRow) => !c.onlyShowIfDegraded || c.status !== 'operational';
  const childIds = childrenByGroup(state.components);
  const byId = new Map(state.components.map((c) => [c.id, c]));
  const topLevel = state.components.filter((c) => c.groupId === null || !byId.has(c.groupId));
  const components = topLevel
    .map((c) => {
      const children = (childIds.get(c.id) ?? []).map((id) => byId.get(id)!).filter(visible);
      return componentView(c, children.map((child) => componentView(child, [])));
    })
    .filter((c) => (byId.get(c.id)!.isGroup ? c.children.length > 0 : visible(byId.get(c.id)!)));
  const incident = (i: IncidentWithRelations) => ({
    id: i.id,
    name: i.name,
    impact: effectiveImpact(i),
    url: `${publicUrl}/incidents/${i.id}`,
    scheduledFor: time(i.scheduledFor),
    scheduledUntil: time(i.scheduledUntil),
    updates: i.updates.map((u) => ({ status: statusLabel(u.status), body: u.body, at: time(u.displayAt) })),
  });
  return {
    page: { name: state.page.name, url: state.page.url ?? publicUrl, timeZone: state.page.timeZone },
    status: state.status,
    components,
    incidents: state.unresolvedIncidents.map(incident),
    activeMaintenances: state.activeMaintenances.map(incident),
    upcomingMaintenances: state.upcomingMaintenances.map(incident),
    updatedAt: time(state.updatedAt),
  };
}
export type StatusPageView = ReturnType<typeof statusPageView>;
