import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { components, componentStatusChanges, type AffectedComponent } from '../db/schema/index.js';
import type { ComponentStatus } from '../db/schema/constants.js';
import { newId } from '../ids.js';
import type { ComponentRow } from './internal.js';

export type StatusChangeRow = typeof componentStatusChanges.$inferSelect;

/**
 * Sets a component's status and records the change in its history.
 * Returns the recorded change, or undefined when the status was already `status`.
 */
export function changeComponentStatus(
  tx: Tx,
  component: ComponentRow,
  status: ComponentStatus,
  now: Date,
): StatusChangeRow | undefined {
  if (component.status === status) return undefined;
  tx.update(components).set({ status, updatedAt: now }).where(eq(components.id, component.id)).run();
  return tx
    .insert(componentStatusChanges)
    .values({ publicId: newId(), componentId: component.id, oldStatus: component.status, newStatus: status, changedAt: now })
    .returning()
    .get();
}

/** Applies a `{component_id: status}` map; returns what an incident update records as `affected_components`. */
export function applyComponentStatuses(
  tx: Tx,
  targets: ReadonlyArray<{ component: ComponentRow; status: ComponentStatus }>,
  now: Date,
): { affected: AffectedComponent[]; changes: StatusChangeRow[] } {
  const affected: AffectedComponent[] = [];
  const changes: StatusChangeRow[] = [];
  for (const { component, status } of targets) {
    affected.push({ code: component.id, name: component.name, old_status: component.status, new_status: status });
    const change = changeComponentStatus(tx, component, status, now);
    if (change) changes.push(change);
  }
  return { affected, changes };
}
