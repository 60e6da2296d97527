import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { activeMaintenanceStatuses, unresolvedRealtimeStatuses } from '../db/schema/constants.js';
import { components, incidents } from '../db/schema/index.js';
import { effectiveImpact } from '../incidents/internal.js';
import { rollupPageStatus, type PageStatus } from './rollup.js';

/** The page's rollup as stored right now (inside a transaction: including its uncommitted changes). */
export function currentPageStatus(db: Db | Tx, pageId: string): PageStatus {
  const componentRows = db
    .select({ status: components.status })
    .from(components)
    .where(and(eq(components.pageId, pageId), eq(components.isGroup, false)))
    .all();
  const open = db
    .select({ status: incidents.status, impactOverride: incidents.impactOverride, peakImpact: incidents.peakImpact })
    .from(incidents)
    .where(
      and(eq(incidents.pageId, pageId), inArray(incidents.status, [...unresolvedRealtimeStatuses, ...activeMaintenanceStatuses])),
    )
    .all();
  return rollupPageStatus({
    componentStatuses: componentRows.map((r) => r.status),
    incidents: open.map((i) => ({ status: i.status, impact: effectiveImpact(i) })),
  });
}
