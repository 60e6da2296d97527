import { iso } from '../pages/present.js';
import type { ComponentRow } from './internal.js';

/** The public v2 component; groups carry the ids of their components. */
export function toPublicComponentJson(row: ComponentRow, childIds: readonly string[] | undefined) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    position: row.position,
    description: row.description,
    showcase: row.showcase,
    start_date: row.startDate,
    group_id: row.groupId,
    page_id: row.pageId,
    group: row.isGroup,
    only_show_if_degraded: row.onlyShowIfDegraded,
    ...(row.isGroup ? { components: [...(childIds ?? [])] } : {}),
  };
}

/** The manage API's Component object. */
export function toComponentJson(row: ComponentRow, childIds?: readonly string[]) {
  return {
    ...toPublicComponentJson(row, childIds),
    automation_email: `component+${row.id}@herald.invalid`,
  };
}

/** The manage API's GroupComponent object. */
export function toGroupJson(row: ComponentRow, childIds: readonly string[]) {
  return {
    id: row.id,
    page_id: row.pageId,
    name: row.name,
    description: row.description,
    components: [...childIds],
    position: row.position,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
