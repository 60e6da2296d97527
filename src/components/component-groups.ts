import { and, eq, inArray } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { components } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { getPageOrThrow } from '../pages/internal.js';
import { parseInput } from '../validation.js';
import { childrenByGroup, getGroupOrThrow, listComponents, normalizeComponents, type ComponentRow } from './internal.js';
import { ComponentGroupInput } from './schemas.js';

export interface GroupWithChildren {
  group: ComponentRow;
  childIds: string[];
}

/**
 * The group body as clients send it: `{component_group: {...}}` with `description` inside
 * or beside the wrapper, or (older SDKs, on update) unwrapped.
 */
export function groupBody(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const body = raw as Record<string, unknown>;
  const wrapped = body['component_group'] ?? body['components_group'];
  if (wrapped === undefined) return body;
  if (wrapped === null || typeof wrapped !== 'object') return wrapped;
  const inner = wrapped as Record<string, unknown>;
  return 'description' in inner || !('description' in body) ? inner : { ...inner, description: body['description'] };
}

function memberRows(tx: Tx, pageId: string, ids: readonly string[]): ComponentRow[] {
  const unique = [...new Set(ids)];
  const rows = tx
    .select()
    .from(components)
    .where(and(eq(components.pageId, pageId), inArray(components.id, unique)))
    .all();
  for (const id of unique) {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new ValidationError(`component_group.components: component ${JSON.stringify(id)} does not exist`, 'component_group.components');
    if (row.isGroup) throw new ValidationError(`component_group.components: ${JSON.stringify(id)} is a group; groups cannot be nested`, 'component_group.components');
  }
  return rows;
}

function loadGroup(db: Parameters<typeof listComponents>[0], pageId: string, id: string): GroupWithChildren {
  const group = getGroupOrThrow(db, pageId, id);
  return { group, childIds: childrenByGroup(listComponents(db, pageId)).get(id) ?? [] };
}

export function listGroups(ctx: DomainContext, pageId: string): GroupWithChildren[] {
  getPageOrThrow(ctx.db, pageId);
  const rows = listComponents(ctx.db, pageId);
  const children = childrenByGroup(rows);
  return rows.filter((r) => r.isGroup).map((group) => ({ group, childIds: children.get(group.id) ?? [] }));
}

export function getGroup(ctx: DomainContext, pageId: string, id: string): GroupWithChildren {
  getPageOrThrow(ctx.db, pageId);
  return loadGroup(ctx.db, pageId, id);
}

/** Creates a group from existing components; it takes the place of the first of them. */
export function createComponentGroup(ctx: DomainContext, pageId: string, raw: unknown): GroupWithChildren {
  const input = parseInput(ComponentGroupInput, groupBody(raw), 'component_group');
  if (input.name === undefined) throw new ValidationError('component_group.name: is required', 'component_group.name');
  if (input.components === undefined) {
    throw new ValidationError('component_group.components: is required; a group needs at least one component', 'component_group.components');
  }
  const { name, components: memberIds } = input;
  const now = ctx.clock.now();
  const id = ctx.db.transaction((tx) => {
    getPageOrThrow(tx, pageId);
    const members = memberRows(tx, pageId, memberIds);
    // Sorts just before its first member (ties go to the older row), then normalize renumbers.
    const position = Math.min(...members.map((m) => m.position)) - 1;
    const group = tx
      .insert(components)
      .values({ id: newId(), pageId, isGroup: true, name, description: input.description ?? null, position, createdAt: now, updatedAt: now })
      .returning()
      .get();
    setMembers(tx, group.id, memberIds, now);
    normalizeComponents(tx, pageId, now);
    return group.id;
  });
  ctx.changed();
  return loadGroup(ctx.db, pageId, id);
}

function setMembers(tx: Tx, groupId: string, memberIds: readonly string[], now: Date): void {
  tx.update(components).set({ groupId: null, updatedAt: now }).where(eq(components.groupId, groupId)).run();
  tx.update(components)
    .set({ groupId, updatedAt: now })
    .where(inArray(components.id, [...memberIds]))
    .run();
}

export function updateComponentGroup(ctx: DomainContext, pageId: string, id: string, raw: unknown): GroupWithChildren {
  const input = parseInput(ComponentGroupInput, groupBody(raw), 'component_group');
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => {
    getGroupOrThrow(tx, pageId, id);
    if (input.components !== undefined) {
      memberRows(tx, pageId, input.components);
      setMembers(tx, id, input.components, now);
    }
    tx.update(components).set({ name: input.name, description: input.description, updatedAt: now }).where(eq(components.id, id)).run();
    normalizeComponents(tx, pageId, now);
  });
  ctx.changed();
  return loadGroup(ctx.db, pageId, id);
}

/** Deletes a group; its components stay, ungrouped. Returns the group as it was. */
export function deleteComponentGroup(ctx: DomainContext, pageId: string, id: string): GroupWithChildren {
  const now = ctx.clock.now();
  const deleted = ctx.db.transaction((tx) => {
    const before = loadGroup(tx, pageId, id);
    tx.update(components).set({ groupId: null, updatedAt: now }).where(eq(components.groupId, id)).run();
    tx.delete(components).where(eq(components.id, id)).run();
    normalizeComponents(tx, pageId, now);
    return before;
  });
  ctx.changed();
  return deleted;
}
