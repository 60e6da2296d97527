import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { activeMaintenanceStatuses, unresolvedRealtimeStatuses } from '../db/schema/constants.js';
import { incidents } from '../db/schema/index.js';
import { listComponents, type ComponentRow } from '../components/internal.js';
import { effectiveImpact, loadIncidents, type IncidentWithRelations } from '../incidents/internal.js';
import { getPage, type PageRow } from '../pages/internal.js';
import { rollupPageStatus, type PageStatus } from '../status/rollup.js';

/** Statuspage's list endpoints return the 50 most recent items. */
export const publicListSize = 50;

export interface PageState {
  page: PageRow;
  status: PageStatus;
  components: ComponentRow[];
  recentIncidents: IncidentWithRelations[];
  unresolvedIncidents: IncidentWithRelations[];
  recentMaintenances: IncidentWithRelations[];
  upcomingMaintenances: IncidentWithRelations[];
  activeMaintenances: IncidentWithRelations[];
  updatedAt: Date;
}

const bySchedule = (a: IncidentWithRelations, b: IncidentWithRelations) =>
  (a.scheduledFor?.getTime() ?? 0) - (b.scheduledFor?.getTime() ?? 0);

/** Everything the public endpoints and the status page show, read in one go. */
export function loadPageState(db: Db): PageState {
  const page = getPage(db);
  const onPage = eq(incidents.pageId, page.id);
  const components = listComponents(db, page.id);
  const recentIncidents = loadIncidents(db, { where: and(onPage, isNull(incidents.scheduledFor)), limit: publicListSize });
  const unresolvedIncidents = loadIncidents(db, {
    where: and(onPage, isNull(incidents.scheduledFor), inArray(incidents.status, [...unresolvedRealtimeStatuses])),
  });
  const recentMaintenances = loadIncidents(db, { where: and(onPage, isNotNull(incidents.scheduledFor)), limit: publicListSize });
  const openMaintenances = loadIncidents(db, {
    where: and(onPage, isNotNull(incidents.scheduledFor), inArray(incidents.status, ['scheduled', ...activeMaintenanceStatuses])),
  }).sort(bySchedule);
  const activeMaintenances = openMaintenances.filter((m) => activeMaintenanceStatuses.includes(m.status));
  const upcomingMaintenances = openMaintenances.filter((m) => m.status === 'scheduled');
  const status = rollupPageStatus({
    componentStatuses: components.filter((c) => !c.isGroup).map((c) => c.status),
    incidents: [...unresolvedIncidents, ...activeMaintenances].map((i) => ({ status: i.status, impact: effectiveImpact(i) })),
  });
  const times = [page.updatedAt, ...components.map((c) => c.updatedAt), ...recentIncidents.map((i) => i.updatedAt), ...recentMaintenances.map((i) => i.updatedAt)];
  const updatedAt = new Date(Math.max(...times.map((t) => t.getTime())));
  return { page, status, components, recentIncidents, unresolvedIncidents, recentMaintenances, upcomingMaintenances, activeMaintenances, updatedAt };
}

