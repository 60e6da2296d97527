import { childrenByGroup } from '../components/internal.js';
import { toPublicComponentJson } from '../components/present.js';
import { toPublicIncidentJson } from '../incidents/present.js';
import type { PageState } from './load-page-state.js';

/** The bodies of Statuspage's eight public v2 endpoints, keyed by path. */
export function publicApiBodies(state: PageState, publicUrl: string): Map<string, unknown> {
  const page = {
    id: state.page.id,
    name: state.page.name,
    url: state.page.url ?? publicUrl,
    time_zone: state.page.timeZone,
    updated_at: state.updatedAt.toISOString(),
  };
  const children = childrenByGroup(state.components);
  const components = state.components.map((c) => toPublicComponentJson(c, children.get(c.id)));
  const incident = (i: Parameters<typeof toPublicIncidentJson>[0]) => toPublicIncidentJson(i, publicUrl);
  const unresolved = state.unresolvedIncidents.map(incident);
  const upcoming = state.upcomingMaintenances.map(incident);
  const active = state.activeMaintenances.map(incident);
  return new Map<string, unknown>([
    ['/api/v2/summary.json', { page, status: state.status, components, incidents: unresolved, scheduled_maintenances: [...active, ...upcoming] }],
    ['/api/v2/status.json', { page, status: state.status }],
    ['/api/v2/components.json', { page, components }],
    ['/api/v2/incidents.json', { page, incidents: state.recentIncidents.map(incident) }],
    ['/api/v2/incidents/unresolved.json', { page, incidents: unresolved }],
    ['/api/v2/scheduled-maintenances.json', { page, scheduled_maintenances: state.recentMaintenances.map(incident) }],
    ['/api/v2/scheduled-maintenances/upcoming.json', { page, scheduled_maintenances: upcoming }],
    ['/api/v2/scheduled-maintenances/active.json', { page, scheduled_maintenances: active }],
  ]);
}
