import { eq, max } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import type { IncidentStatus } from '../db/schema/constants.js';
import { incidentUpdates, type AffectedComponent } from '../db/schema/index.js';
import { newId } from '../ids.js';
import type { IncidentUpdateRow } from './internal.js';

export interface NewUpdate {
  incidentId: string;
  status: IncidentStatus;
  body: string;
  deliverNotifications: boolean;
  affectedComponents: AffectedComponent[] | null;
  wantsTwitterUpdate?: boolean | undefined;
  displayAt?: Date | undefined;
  now: Date;
}

/** Appends one incident update; updates are immutable in order (`seq`) even when `display_at` is back-dated. */
export function appendUpdate(tx: Tx, update: NewUpdate): IncidentUpdateRow {
  const last = tx.select({ seq: max(incidentUpdates.seq) }).from(incidentUpdates).where(eq(incidentUpdates.incidentId, update.incidentId)).get();
  return tx
    .insert(incidentUpdates)
    .values({
      id: newId(),
      incidentId: update.incidentId,
      seq: (last?.seq ?? 0) + 1,
      status: update.status,
      body: update.body,
      createdAt: update.now,
      updatedAt: update.now,
      displayAt: update.displayAt ?? update.now,
      deliverNotifications: update.deliverNotifications,
      affectedComponents: update.affectedComponents && update.affectedComponents.length > 0 ? update.affectedComponents : null,
      wantsTwitterUpdate: update.wantsTwitterUpdate ?? false,
    })
    .returning()
    .get();
}
