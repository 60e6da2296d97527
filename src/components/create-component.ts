import type { DomainContext } from '../context.js';
import { components } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { parseInput } from '../validation.js';
import { emitComponentEvents } from '../events/emit-event.js';
import { getPageOrThrow } from '../pages/internal.js';
import { changeComponentStatus } from './change-component-status.js';
import { getComponentOrThrow, getGroupOrThrow, listComponents, normalizeComponents, type ComponentRow } from './internal.js';
import { ComponentInput } from './schemas.js';

/** Adds a component at the end of the page (or of its group). */
export function createComponent(ctx: DomainContext, pageId: string, raw: unknown): ComponentRow {
  const input = parseInput(ComponentInput, raw, 'component');
  if (input.name === undefined) throw new ValidationError('component.name: is required', 'component.name');
  const name = input.name;
  const now = ctx.clock.now();
  const id = ctx.db.transaction((tx) => {
    getPageOrThrow(tx, pageId);
    if (input.group_id) getGroupForMember(tx, pageId, input.group_id);
    const last = listComponents(tx, pageId).at(-1);
    const row = tx
      .insert(components)
      .values({
        id: newId(),
        pageId,
        groupId: input.group_id ?? null,
        name,
        description: input.description ?? null,
        status: 'operational',
        position: (last?.position ?? 0) + 1,
        showcase: input.showcase ?? true,
        onlyShowIfDegraded: input.only_show_if_degraded ?? false,
        startDate: input.start_date ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    // A component created in a non-operational state has a history from its first moment.
    if (input.status && input.status !== 'operational') {
      const change = changeComponentStatus(tx, row, input.status, now);
      normalizeComponents(tx, pageId, now);
      emitComponentEvents({ tx, pageId, publicUrl: ctx.publicUrl, now }, change ? [change] : []);
    } else {
      normalizeComponents(tx, pageId, now);
    }
    return row.id;
  });
  ctx.changed();
  return getComponentOrThrow(ctx.db, pageId, id);
}

/** The group a component may join; nesting is one level only. */
export function getGroupForMember(tx: Parameters<typeof listComponents>[0], pageId: string, groupId: string): ComponentRow {
  try {
    return getGroupOrThrow(tx, pageId, groupId);
  } catch {
    throw new ValidationError(`component.group_id: ${JSON.stringify(groupId)} is not a component group of this page`, 'component.group_id');
  }
}
