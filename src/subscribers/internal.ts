import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { components, incidents, subscriberComponents, subscribers } from '../db/schema/index.js';
import { NotFoundError, ValidationError } from '../errors.js';

export type SubscriberRow = typeof subscribers.$inferSelect;
export interface SubscriberWithComponents extends SubscriberRow {
  componentIds: string[];
}

export function getSubscriberOrThrow(db: Db | Tx, pageId: string, id: string): SubscriberWithComponents {
  const row = db.select().from(subscribers).where(and(eq(subscribers.pageId, pageId), eq(subscribers.id, id))).get();
  if (!row) throw new NotFoundError('subscriber', id);
  return withComponents(db, [row])[0]!;
}

export function withComponents(db: Db | Tx, rows: SubscriberRow[]): SubscriberWithComponents[] {
  if (rows.length === 0) return [];
  const links = db
    .select()
    .from(subscriberComponents)
    .where(inArray(subscriberComponents.subscriberId, rows.map((r) => r.id)))
    .all();
  return rows.map((row) => ({ ...row, componentIds: links.filter((l) => l.subscriberId === row.id).map((l) => l.componentId) }));
}

/** Checks that every id is a component or group of the page; a group covers its components. */
export function checkComponentIds(tx: Tx, pageId: string, ids: readonly string[], field: string): string[] {
  const unique = [...new Set(ids)];
  const found = tx
    .select({ id: components.id })
    .from(components)
    .where(and(eq(components.pageId, pageId), inArray(components.id, unique)))
    .all();
  const missing = unique.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw new ValidationError(`${field}: component ${JSON.stringify(missing[0])} does not exist on this page`, field);
  return unique;
}

export function checkIncidentId(tx: Tx, pageId: string, id: string, field: string): void {
  const found = tx.select({ id: incidents.id }).from(incidents).where(and(eq(incidents.pageId, pageId), eq(incidents.id, id))).get();
  if (!found) throw new ValidationError(`${field}: incident ${JSON.stringify(id)} does not exist on this page`, field);
}

export function setSubscriberComponents(tx: Tx, subscriberId: string, componentIds: readonly string[]): void {
  tx.delete(subscriberComponents).where(eq(subscriberComponents.subscriberId, subscriberId)).run();
  if (componentIds.length > 0) {
    tx.insert(subscriberComponents).values(componentIds.map((componentId) => ({ subscriberId, componentId }))).run();
  }
}
