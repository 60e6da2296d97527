import { eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { components } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { emitComponentEvents } from '../events/emit-event.js';
import { parseInput } from '../validation.js';
import { changeComponentStatus } from './change-component-status.js';
import { getGroupForMember } from './create-component.js';
import { getAnyComponentOrThrow, normalizeComponents, type ComponentRow } from './internal.js';
import { ComponentInput } from './schemas.js';

/** Edits a component; a status change is recorded in its history and becomes an event. */
export function updateComponent(ctx: DomainContext, pageId: string, id: string, raw: unknown): ComponentRow {
  const input = parseInput(ComponentInput, raw, 'component');
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => {
    const current = getAnyComponentOrThrow(tx, pageId, id);
    if (current.isGroup) {
      if (input.status !== undefined) {
        throw new ValidationError('component.status: a component group shows the worst status of its components; set theirs instead', 'component.status');
      }
      if (input.group_id) throw new ValidationError('component.group_id: component groups cannot be nested', 'component.group_id');
    }
    if (input.group_id) getGroupForMember(tx, pageId, input.group_id);
    const movedGroup = input.group_id !== undefined && input.group_id !== current.groupId;
    tx.update(components)
      .set({
        name: input.name,
        description: input.description,
        showcase: input.showcase,
        onlyShowIfDegraded: input.only_show_if_degraded,
        startDate: input.start_date,
        groupId: input.group_id,
        // Joining a group puts the component at the end of it.
        ...(movedGroup ? { position: Number.MAX_SAFE_INTEGER } : {}),
        updatedAt: now,
      })
      .where(eq(components.id, id))
      .run();
    const change = input.status === undefined ? undefined : changeComponentStatus(tx, current, input.status, now);
    normalizeComponents(tx, pageId, now);
    emitComponentEvents({ tx, pageId, publicUrl: ctx.publicUrl, now }, change ? [change] : []);
  });
  ctx.changed();
  return getAnyComponentOrThrow(ctx.db, pageId, id);
}

