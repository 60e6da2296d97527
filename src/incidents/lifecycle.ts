import {
  closedIncidentStatuses,
  type EventType,
  type Impact,
  type IncidentStatus,
  maintenanceStatuses,
  realtimeIncidentStatuses,
} from '../db/schema/constants.js';
import { ValidationError } from '../errors.js';
import { impactOfComponentStatus, worstImpact } from '../status/rollup.js';
import type { AffectedComponent } from '../db/schema/index.js';

export const isMaintenanceStatus = (s: IncidentStatus) => (maintenanceStatuses as readonly string[]).includes(s);
export const isClosed = (s: IncidentStatus) => closedIncidentStatuses.includes(s);

/** Realtime incidents and maintenances each have their own statuses. */
export function checkStatusKind(status: IncidentStatus, maintenance: boolean): void {
  if (maintenance && !isMaintenanceStatus(status)) {
    throw new ValidationError(
      `incident.status: a scheduled maintenance takes one of ${maintenanceStatuses.join(', ')}, not ${JSON.stringify(status)}`,
      'incident.status',
    );
  }
  if (!maintenance && isMaintenanceStatus(status)) {
    throw new ValidationError(
      `incident.status: ${JSON.stringify(status)} is a maintenance status; send scheduled_for and scheduled_until to schedule maintenance, or use one of ${realtimeIncidentStatuses.join(', ')}`,
      'incident.status',
    );
  }
}

export function checkWindow(from: Date | null, until: Date | null): void {
  if (from && until && until.getTime() <= from.getTime()) {
    throw new ValidationError('incident.scheduled_until: must be later than scheduled_for', 'incident.scheduled_until');
  }
}

/** The timestamps a status sets: reaching monitoring/verifying stamps monitoring_at, closing stamps resolved_at. */
export function lifecycleStamps(
  status: IncidentStatus,
  current: { monitoringAt: Date | null; resolvedAt: Date | null },
  now: Date,
): { monitoringAt: Date | null; resolvedAt: Date | null } {
  const monitoringAt = (status === 'monitoring' || status === 'verifying') && !current.monitoringAt ? now : current.monitoringAt;
  // Reopening clears resolved_at: an incident that is open again is not resolved.
  const resolvedAt = isClosed(status) ? (current.resolvedAt ?? now) : null;
  return { monitoringAt, resolvedAt };
}

/** The peak impact after new component statuses are applied. */
export function nextPeakImpact(current: Impact, affected: readonly AffectedComponent[]): Impact {
  return worstImpact([current, ...affected.map((a) => impactOfComponentStatus(a.new_status))]);
}

/** Which event an update is, from the status before and after. */
export function eventTypeFor(maintenance: boolean, before: IncidentStatus | undefined, after: IncidentStatus): EventType {
  if (maintenance) {
    if (after === 'completed' && before !== 'completed') return 'maintenance.completed';
    if (after === 'in_progress' && (before === undefined || before === 'scheduled')) return 'maintenance.started';
    return before === undefined ? 'maintenance.scheduled' : 'maintenance.updated';
  }
  if (before === undefined) return 'incident.created';
  if (isClosed(after) && !isClosed(before)) return 'incident.resolved';
  return 'incident.updated';
}
