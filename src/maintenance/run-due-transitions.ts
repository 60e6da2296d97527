import { and, inArray, isNotNull, lte } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import type { ComponentStatus } from '../db/schema/constants.js';
import { incidents } from '../db/schema/index.js';
import { getIncidentOrThrow } from '../incidents/internal.js';
import { applyIncidentChange } from '../incidents/update-incident.js';

export const autoStartBody = 'Scheduled maintenance is currently in progress. We will provide updates as necessary.';
export const autoCompleteBody = 'The scheduled maintenance has been completed.';

/**
 * Starts and completes the maintenances whose time has come, as their scheduled_auto_*
 * flags ask, moving their components as the auto_transition_* flags ask. Each transition
 * is its own transaction, so one bad row never holds back the others.
 * Returns how many transitions were applied.
 */
export function runDueTransitions(ctx: DomainContext): number {
  const now = ctx.clock.now();
  const due = ctx.db
    .select({ id: incidents.id, pageId: incidents.pageId, status: incidents.status, scheduledUntil: incidents.scheduledUntil })
    .from(incidents)
    .where(
      and(
        isNotNull(incidents.scheduledFor),
        inArray(incidents.status, ['scheduled', 'in_progress', 'verifying']),
        lte(incidents.scheduledFor, now),
      ),
    )
    .all();
  let applied = 0;
  for (const row of due) {
    const done = ctx.db.transaction((tx) => {
      const incident = getIncidentOrThrow(tx, row.pageId, row.id);
      const finished = incident.scheduledUntil !== null && incident.scheduledUntil.getTime() <= now.getTime();
      const components = incident.incidentComponents.map((link) => link.component).filter((c) => !c.isGroup);
      if (finished && incident.scheduledAutoCompleted) {
        // Only components still under maintenance go back: an outage that began meanwhile stays visible.
        const restore = incident.autoTransitionToOperationalState
          ? components.filter((c) => c.status === 'under_maintenance')
          : [];
        applyIncidentChange(tx, ctx, row.pageId, row.id, {
          status: 'completed',
          body: autoCompleteBody,
          deliver_notifications: incident.autoTransitionDeliverNotificationsAtEnd,
          components: statusMap(restore, 'operational'),
        }, now);
        return true;
      }
      if (incident.status === 'scheduled' && incident.scheduledAutoInProgress) {
        const moving = incident.autoTransitionToMaintenanceState ? components : [];
        applyIncidentChange(tx, ctx, row.pageId, row.id, {
          status: 'in_progress',
          body: autoStartBody,
          deliver_notifications: incident.autoTransitionDeliverNotificationsAtStart,
          components: statusMap(moving, 'under_maintenance'),
        }, now);
        return true;
      }
      return false;
    });
    if (done) applied += 1;
  }
  if (applied > 0) ctx.changed();
  return applied;
}

const statusMap = (rows: ReadonlyArray<{ id: string }>, status: ComponentStatus) =>
  Object.fromEntries(rows.map((c) => [c.id, status])) as Record<string, ComponentStatus>;

