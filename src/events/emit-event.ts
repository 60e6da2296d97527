import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import type { EventType } from '../db/schema/constants.js';
import { components, events } from '../db/schema/index.js';
import type { StatusChangeRow } from '../components/change-component-status.js';
import { toPublicComponentJson } from '../components/present.js';
import { getIncidentOrThrow } from '../incidents/internal.js';
import { toIncidentJson } from '../incidents/present.js';
import { iso } from '../pages/present.js';
import { currentPageStatus } from '../status/current-page-status.js';
import { newId } from '../ids.js';
import { fanOutComponentEvent, fanOutIncidentEvent } from '../outbox/fan-out.js';

export interface EventContext {
  tx: Tx;
  pageId: string;
  publicUrl: string;
  now: Date;
}

// Call after every change of the verb is written: the payload captures the page as it will be once committed.
function pageEnvelope(tx: Tx, pageId: string) {
  const status = currentPageStatus(tx, pageId);
  return { id: pageId, status_indicator: status.indicator, status_description: status.description };
}

/** Records an incident or maintenance event with its Statuspage webhook body. */
export function emitIncidentEvent(
  ctx: EventContext,
  event: { type: EventType; incidentId: string; incidentUpdateId: string; notify: boolean },
): void {
  const incident = getIncidentOrThrow(ctx.tx, ctx.pageId, event.incidentId);
  const payload = { page: pageEnvelope(ctx.tx, ctx.pageId), incident: toIncidentJson(incident, ctx.publicUrl) };
  const row = ctx.tx
    .insert(events)
    .values({
      publicId: `evt_${newId(20)}`,
      pageId: ctx.pageId,
      type: event.type,
      incidentId: event.incidentId,
      incidentUpdateId: event.incidentUpdateId,
      notify: event.notify,
      payload,
      createdAt: ctx.now,
    })
    .returning({ id: events.id })
    .get();
  if (event.notify) fanOutIncidentEvent(ctx.tx, { id: row.id, pageId: ctx.pageId, incidentId: event.incidentId }, ctx.now);
}

/** Records one `component.status_changed` event per change, in Statuspage's component webhook shape. */
export function emitComponentEvents(ctx: EventContext, changes: readonly StatusChangeRow[], notify = true): void {
  if (changes.length === 0) return;
  const page = pageEnvelope(ctx.tx, ctx.pageId);
  for (const change of changes) {
    const component = ctx.tx.select().from(components).where(eq(components.id, change.componentId)).get()!;
    const payload = {
      page,
      component: toPublicComponentJson(component, undefined),
      component_update: {
        old_status: change.oldStatus,
        new_status: change.newStatus,
        created_at: iso(change.changedAt),
        component_type: 'Component',
        id: change.publicId,
        component_id: change.componentId,
      },
    };
    const row = ctx.tx
      .insert(events)
      .values({
        publicId: `evt_${newId(20)}`,
        pageId: ctx.pageId,
        type: 'component.status_changed',
        componentId: change.componentId,
        notify,
        payload,
        createdAt: ctx.now,
      })
      .returning({ id: events.id })
      .get();
    if (notify) fanOutComponentEvent(ctx.tx, { id: row.id, pageId: ctx.pageId, componentId: change.componentId }, ctx.now);
  }
}
