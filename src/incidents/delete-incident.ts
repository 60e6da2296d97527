import { eq } from 'drizzle-orm';
import type { DomainContext } from '../context.js';
import { incidents } from '../db/schema/index.js';
import { getIncidentOrThrow, type IncidentWithRelations } from './internal.js';

/** Deletes an incident with its updates; returns it as it was. Component statuses are left as they are. */
export function deleteIncident(ctx: DomainContext, pageId: string, id: string): IncidentWithRelations {
  const deleted = ctx.db.transaction((tx) => {
    const incident = getIncidentOrThrow(tx, pageId, id);
    tx.delete(incidents).where(eq(incidents.id, id)).run();
    return incident;
  });
  ctx.changed();
  return deleted;
}
