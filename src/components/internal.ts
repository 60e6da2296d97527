import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { components } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import { worstComponentStatus } from '../status/rollup.js';

export type ComponentRow = typeof components.$inferSelect;

export function listComponents(db: Db | Tx, pageId: string): ComponentRow[] {
  return db.select().from(components).where(eq(components.pageId, pageId)).orderBy(asc(components.position)).all();
}

/** A component (not a group) of the page. Throws NotFoundError otherwise. */
export function getComponentOrThrow(db: Db | Tx, pageId: string, id: string): ComponentRow {
  const row = db
    .select()
    .from(components)
    .where(and(eq(components.pageId, pageId), eq(components.id, id), eq(components.isGroup, false)))
    .get();
  if (!row) throw new NotFoundError('component', id);
  return row;
}

/** A component or a group: /components/{id} reaches both, as on Statuspage. */
export function getAnyComponentOrThrow(db: Db | Tx, pageId: string, id: string): ComponentRow {
  const row = db
    .select()
    .from(components)
    .where(and(eq(components.pageId, pageId), eq(components.id, id)))
    .get();
  if (!row) throw new NotFoundError('component', id);
  return row;
}

export function getGroupOrThrow(db: Db | Tx, pageId: string, id: string): ComponentRow {
  const row = db
    .select()
    .from(components)
    .where(and(eq(components.pageId, pageId), eq(components.id, id), eq(components.isGroup, true)))
    .get();
  if (!row) throw new NotFoundError('component group', id);
  return row;
}

/** Child ids of each group, in display order. */
export function childrenByGroup(rows: readonly ComponentRow[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const row of [...rows].sort((a, b) => a.position - b.position)) {
    if (row.groupId === null) continue;
    const list = map.get(row.groupId) ?? [];
    list.push(row.id);
    map.set(row.groupId, list);
  }
  return map;
}

/** Display order: top-level rows by position, each group followed by its children. */
export function inDisplayOrder(rows: readonly ComponentRow[]): ComponentRow[] {
  const byPosition = [...rows].sort((a, b) => a.position - b.position || a.createdAt.getTime() - b.createdAt.getTime());
  const ordered: ComponentRow[] = [];
  for (const row of byPosition) {
    if (row.groupId !== null && byPosition.some((g) => g.id === row.groupId)) continue;
    ordered.push(row);
    if (row.isGroup) ordered.push(...byPosition.filter((child) => child.groupId === row.id));
  }
  return ordered;
}

/**
 * Keeps `position` equal to the 1-based display order and each group's status equal to
 * the worst of its children, and drops groups left empty (Statuspage: a group cannot be empty).
 * Called at the end of every verb that changes components.
 */
export function normalizeComponents(tx: Tx, pageId: string, now: Date): void {
  let rows = listComponents(tx, pageId);
  const children = childrenByGroup(rows);
  for (const group of rows.filter((r) => r.isGroup && !children.has(r.id))) {
    tx.delete(components).where(eq(components.id, group.id)).run();
  }
  rows = rows.filter((r) => !r.isGroup || children.has(r.id));
  const statusById = new Map(rows.map((r) => [r.id, r.status]));
  inDisplayOrder(rows).forEach((row, index) => {
    const position = index + 1;
    const status = row.isGroup
      ? worstComponentStatus((children.get(row.id) ?? []).map((id) => statusById.get(id)!))
      : row.status;
    if (row.position !== position || row.status !== status) {
      const touched = row.status !== status ? { updatedAt: now } : {};
      tx.update(components).set({ position, status, ...touched }).where(eq(components.id, row.id)).run();
    }
  });
}
