import { eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { components } from '../db/schema/index.js';
import { getAnyComponentOrThrow, normalizeComponents } from './internal.js';

/** Deletes a component (a group's children are orphaned; an emptied group goes too). */
export function deleteComponent(ctx: DomainContext, pageId: string, id: string): void {
  const now = ctx.clock.now();
  ctx.db.transaction((tx) => {
    getAnyComponentOrThrow(tx, pageId, id);
    tx.delete(components).where(eq(components.id, id)).run();
    normalizeComponents(tx, pageId, now);
  });
  ctx.changed();
}
