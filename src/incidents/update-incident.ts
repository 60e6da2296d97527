import { eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { incidents } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { parseInput } from '../validation.js';
import { applyComponentStatuses } from '../components/change-component-status.js';
import { normalizeComponents } from '../components/internal.js';
import { emitComponentEvents, emitIncidentEvent } from '../events/emit-event.js';
import { linkComponents, planComponents } from './affected-components.js';
import { appendUpdate } from './append-update.js';
import { getIncidentOrThrow, isMaintenance, type IncidentWithRelations } from './internal.js';
import { checkStatusKind, checkWindow, eventTypeFor, lifecycleStamps, nextPeakImpact } from './lifecycle.js';
import { IncidentInput } from './schemas.js';

/**
 * Edits an incident. A new status, a non-empty body or a component status change
 * appends exactly one incident update (and its event); other fields are edited in place.
 */
export function updateIncident(ctx: DomainContext, pageId: string, id: string, raw: unknown): IncidentWithRelations {
  const input = parseInput(IncidentInput, raw, 'incident');
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => applyIncidentChange(tx, ctx, pageId, id, input, now));
  ctx.changed();
  return getIncidentOrThrow(ctx.db, pageId, id);
}

/** The body of updateIncident, inside the caller's transaction (the scheduler shares it). */
export function applyIncidentChange(
  tx: Tx,
  ctx: Pick<DomainContext, 'publicUrl'>,
  pageId: string,
  id: string,
  input: IncidentInput,
  now: Date,
): void {
  const current = getIncidentOrThrow(tx, pageId, id);
  const maintenance = isMaintenance(current);
  if (!maintenance && (input.scheduled_for || input.scheduled_until)) {
    throw new ValidationError('incident.scheduled_for: only a scheduled maintenance has a schedule', 'incident.scheduled_for');
  }
  if (maintenance && (input.scheduled_for === null || input.scheduled_until === null)) {
    throw new ValidationError('incident.scheduled_for: a scheduled maintenance keeps its window; change it instead of clearing it', 'incident.scheduled_for');
  }
  const status = input.status ?? current.status;
  checkStatusKind(status, maintenance);
  const scheduledFor = input.scheduled_for ?? current.scheduledFor;
  const scheduledUntil = input.scheduled_until ?? current.scheduledUntil;
  checkWindow(scheduledFor, scheduledUntil);

  const plan = planComponents(tx, pageId, input);
  linkComponents(tx, id, plan.affectedIds);
  const { affected, changes } = applyComponentStatuses(tx, plan.targets, now);
  normalizeComponents(tx, pageId, now);

  const body = input.body ?? input.message ?? '';
  const appends = status !== current.status || body.trim() !== '' || changes.length > 0;
  tx.update(incidents)
    .set({
      name: input.name,
      status,
      impactOverride: input.impact_override,
      peakImpact: maintenance ? current.peakImpact : nextPeakImpact(current.peakImpact, affected),
      ...lifecycleStamps(status, current, now),
      scheduledFor,
      scheduledUntil,
      scheduledRemindPrior: input.scheduled_remind_prior,
      scheduledAutoInProgress: input.scheduled_auto_in_progress ?? input.scheduled_auto_transition,
      scheduledAutoCompleted: input.scheduled_auto_completed,
      autoTransitionToMaintenanceState: input.auto_transition_to_maintenance_state,
      autoTransitionToOperationalState: input.auto_transition_to_operational_state,
      autoTransitionDeliverNotificationsAtStart: input.auto_transition_deliver_notifications_at_start,
      autoTransitionDeliverNotificationsAtEnd: input.auto_transition_deliver_notifications_at_end,
      reminderIntervals: input.reminder_intervals,
      metadata: input.metadata,
      updatedAt: now,
    })
    .where(eq(incidents.id, id))
    .run();
  if (!appends) return;

  const notify = input.deliver_notifications ?? true;
  const update = appendUpdate(tx, {
    incidentId: id,
    status,
    body,
    deliverNotifications: notify,
    affectedComponents: affected,
    wantsTwitterUpdate: input.wants_twitter_update,
    now,
  });
  const events = { tx, pageId, publicUrl: ctx.publicUrl, now };
  emitComponentEvents(events, changes, notify);
  emitIncidentEvent(events, { type: eventTypeFor(maintenance, current.status, status), incidentId: id, incidentUpdateId: update.id, notify });
}
