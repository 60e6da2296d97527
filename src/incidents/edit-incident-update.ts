import { and, eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { incidents, incidentUpdates } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import { parseInput } from '../validation.js';
import { getIncidentOrThrow, type IncidentUpdateRow } from './internal.js';
import { IncidentUpdateInput } from './schemas.js';

/** Edits an update's text, display time or notification flag ("Tune an incident update"); sends nothing. */
export function editIncidentUpdate(ctx: DomainContext, pageId: string, incidentId: string, updateId: string, raw: unknown): IncidentUpdateRow {
  const input = parseInput(IncidentUpdateInput, raw, 'incident_update');
  const now = ctx.clock.now();
  const row = ctx.db.transaction((tx) => {
    getIncidentOrThrow(tx, pageId, incidentId);
    const updated = tx
      .update(incidentUpdates)
      .set({
        body: input.body,
        displayAt: input.display_at,
        deliverNotifications: input.deliver_notifications,
        wantsTwitterUpdate: input.wants_twitter_update,
        updatedAt: now,
      })
      .where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, incidentId)))
      .returning()
      .get();
    if (!updated) throw new NotFoundError('incident update', updateId);
    tx.update(incidents).set({ updatedAt: now }).where(eq(incidents.id, incidentId)).run();
    return updated;
  });
  ctx.changed();
  return row;
}
