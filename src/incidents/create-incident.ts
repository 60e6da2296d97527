import type { DomainContext } from '../context.js';
import { incidents } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { parseInput } from '../validation.js';
import { applyComponentStatuses } from '../components/change-component-status.js';
import { normalizeComponents } from '../components/internal.js';
import { emitComponentEvents, emitIncidentEvent } from '../events/emit-event.js';
import { getPageOrThrow } from '../pages/internal.js';
import { linkComponents, planComponents } from './affected-components.js';
import { appendUpdate } from './append-update.js';
import { getIncidentOrThrow, type IncidentWithRelations } from './internal.js';
import { checkStatusKind, checkWindow, eventTypeFor, isClosed, isMaintenanceStatus, lifecycleStamps, nextPeakImpact } from './lifecycle.js';
import { IncidentInput } from './schemas.js';

/**
 * Opens an incident or schedules a maintenance (an incident with scheduled_for).
 * Its body becomes the first update; its `components` map is applied and recorded
 * on that update; its event is written in the same transaction.
 */
export function createIncident(ctx: DomainContext, pageId: string, raw: unknown): IncidentWithRelations {
  const input = parseInput(IncidentInput, raw, 'incident');
  if (input.name === undefined) throw new ValidationError('incident.name: is required', 'incident.name');
  const name = input.name;
  // Either end of a window, or a maintenance status, makes it a maintenance (which then needs both ends).
  const maintenance = Boolean(input.scheduled_for || input.scheduled_until) || (input.status !== undefined && isMaintenanceStatus(input.status));
  const backfilled = input.backfilled ?? false;
  if (maintenance && !input.scheduled_for) {
    throw new ValidationError('incident.scheduled_for: is required for a scheduled maintenance', 'incident.scheduled_for');
  }
  if (maintenance && !input.scheduled_until) {
    throw new ValidationError('incident.scheduled_until: is required for a scheduled maintenance', 'incident.scheduled_until');
  }
  const status = input.status ?? (backfilled ? 'resolved' : maintenance ? 'scheduled' : 'investigating');
  checkStatusKind(status, maintenance);
  checkWindow(input.scheduled_for ?? null, input.scheduled_until ?? null);
  if (backfilled) {
    if (input.components && !Array.isArray(input.components) && Object.keys(input.components).length > 0) {
      throw new ValidationError('incident.components: a backfilled incident cannot change component statuses', 'incident.components');
    }
    if (maintenance || !isClosed(status)) {
      throw new ValidationError('incident.backfilled: only a resolved past incident can be backfilled', 'incident.backfilled');
    }
  }
  // A backfilled incident is history: it is recorded, never announced.
  const notify = !backfilled && (input.deliver_notifications ?? true);
  const now = ctx.clock.now();
  const startedAt = (backfilled ? input.backfill_date : undefined) ?? now;

  const id = ctx.db.transaction((tx) => {
    getPageOrThrow(tx, pageId);
    const plan = planComponents(tx, pageId, input);
    const { affected, changes } = applyComponentStatuses(tx, plan.targets, now);
    normalizeComponents(tx, pageId, now);
    const row = tx
      .insert(incidents)
      .values({
        id: newId(),
        pageId,
        name,
        status,
        peakImpact: maintenance ? 'maintenance' : nextPeakImpact('none', affected),
        impactOverride: input.impact_override ?? null,
        createdAt: now,
        updatedAt: now,
        startedAt,
        ...lifecycleStamps(status, { monitoringAt: null, resolvedAt: null }, startedAt),
        scheduledFor: input.scheduled_for ?? null,
        scheduledUntil: input.scheduled_until ?? null,
        scheduledRemindPrior: input.scheduled_remind_prior ?? false,
        scheduledAutoInProgress: input.scheduled_auto_in_progress ?? input.scheduled_auto_transition ?? false,
        scheduledAutoCompleted: input.scheduled_auto_completed ?? false,
        autoTransitionToMaintenanceState: input.auto_transition_to_maintenance_state ?? false,
        autoTransitionToOperationalState: input.auto_transition_to_operational_state ?? false,
        autoTransitionDeliverNotificationsAtStart: input.auto_transition_deliver_notifications_at_start ?? false,
        autoTransitionDeliverNotificationsAtEnd: input.auto_transition_deliver_notifications_at_end ?? false,
        reminderIntervals: input.reminder_intervals ?? null,
        metadata: input.metadata ?? {},
        backfilled,
      })
      .returning()
      .get();
    linkComponents(tx, row.id, plan.affectedIds);
    const update = appendUpdate(tx, {
      incidentId: row.id,
      status,
      body: input.body ?? input.message ?? '',
      deliverNotifications: notify,
      affectedComponents: affected,
      wantsTwitterUpdate: input.wants_twitter_update,
      displayAt: startedAt,
      now,
    });
    const events = { tx, pageId, publicUrl: ctx.publicUrl, now };
    emitComponentEvents(events, changes, notify);
    if (!backfilled) {
      emitIncidentEvent(events, { type: eventTypeFor(maintenance, undefined, status), incidentId: row.id, incidentUpdateId: update.id, notify });
    }
    return row.id;
  });
  ctx.changed();
  return getIncidentOrThrow(ctx.db, pageId, id);
}
