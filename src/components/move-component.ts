import { eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { components } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { getAnyComponentOrThrow, inDisplayOrder, listComponents, normalizeComponents, type ComponentRow } from './internal.js';

export const moveDirections = ['up', 'down'] as const;
export type MoveDirection = (typeof moveDirections)[number];

/**
 * Swaps a component (or group) with its neighbour among its siblings: top-level rows move
 * past each other (a group with its children), a group's children move within the group.
 * At either end nothing changes. Returns the moved row.
 */
export function moveComponent(ctx: DomainContext, pageId: string, id: string, direction: unknown): ComponentRow {
  if (!(moveDirections as readonly unknown[]).includes(direction)) {
    throw new ValidationError(`direction: must be one of ${moveDirections.join(', ')}`, 'direction');
  }
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => {
    const row = getAnyComponentOrThrow(tx, pageId, id);
    const rows = listComponents(tx, pageId);
    const ids = new Set(rows.map((r) => r.id));
    const parentOf = (r: ComponentRow) => (r.groupId !== null && ids.has(r.groupId) ? r.groupId : null);
    const siblings = inDisplayOrder(rows).filter((r) => parentOf(r) === parentOf(row));
    const index = siblings.findIndex((r) => r.id === id);
    const other = siblings[direction === 'up' ? index - 1 : index + 1];
    if (!other) return;
    // Positions are the display order, so swapping two siblings' positions swaps them on the page;
    // normalize then renumbers, keeping each group's children right after it. Like normalize,
    // a move leaves updated_at alone: the order is not a change to the component itself.
    tx.update(components).set({ position: other.position }).where(eq(components.id, row.id)).run();
    tx.update(components).set({ position: row.position }).where(eq(components.id, other.id)).run();
    normalizeComponents(tx, pageId, now);
  });
  ctx.changed();
  return getAnyComponentOrThrow(ctx.db, pageId, id);
}
