import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import type { ComponentStatus } from '../db/schema/constants.js';
import { components, incidentComponents } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import type { ComponentRow } from '../components/internal.js';
import type { IncidentInput } from './schemas.js';

export interface ComponentPlan {
  /** Every component the request names as affected. */
  affectedIds: string[];
  /** The status changes of the `components` map, in request order. */
  targets: Array<{ component: ComponentRow; status: ComponentStatus }>;
}

/** Resolves `components` and `component_ids` against the page, naming any id that is not one of its components. */
export function planComponents(tx: Tx, pageId: string, input: Pick<IncidentInput, 'components' | 'component_ids'>): ComponentPlan {
  const statusMap = input.components && !Array.isArray(input.components) ? input.components : {};
  const listedAsComponents = Array.isArray(input.components) ? input.components : [];
  const affectedIds = [...new Set([...Object.keys(statusMap), ...listedAsComponents, ...(input.component_ids ?? [])])];
  if (affectedIds.length === 0) return { affectedIds, targets: [] };
  const rows = tx
    .select()
    .from(components)
    .where(and(eq(components.pageId, pageId), inArray(components.id, affectedIds)))
    .all();
  for (const id of affectedIds) {
    const row = rows.find((r) => r.id === id);
    const field = id in statusMap || listedAsComponents.includes(id) ? 'incident.components' : 'incident.component_ids';
    if (!row) throw new ValidationError(`${field}: component ${JSON.stringify(id)} does not exist on this page`, field);
    if (row.isGroup && id in statusMap) {
      throw new ValidationError(`${field}: ${JSON.stringify(id)} is a component group; set the statuses of its components`, field);
    }
  }
  const targets = Object.entries(statusMap).map(([id, status]) => ({ component: rows.find((r) => r.id === id)!, status }));
  return { affectedIds, targets };
}

export function linkComponents(tx: Tx, incidentId: string, componentIds: readonly string[]): void {
  if (componentIds.length === 0) return;
  tx.insert(incidentComponents)
    .values(componentIds.map((componentId) => ({ incidentId, componentId })))
    .onConflictDoNothing()
    .run();
}
