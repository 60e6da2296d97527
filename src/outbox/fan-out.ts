import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { EventType } from '../db/schema/constants.js';
import { events } from '../db/schema/index.js';
import { newId } from '../ids.js';

// One INSERT … SELECT per event: a 10,000-subscriber fan-out is a single statement in the
// event's own transaction, so an event never exists without its deliveries.
const messageId = sql`'msg_' || lower(hex(randomblob(16)))`;
const insertDeliveries = sql`INSERT INTO deliveries (message_id, event_id, subscriber_id, channel, state, attempt_count, next_attempt_at, created_at, updated_at)`;
/** The SELECT list of a fan-out: one pending row per subscriber `s`, due now, on its own channel. */
const pendingFor = (eventId: number, at: number) => sql`SELECT ${messageId}, ${eventId}, s.id, s.mode, 'pending', 0, ${at}, ${at}, ${at}`;

/**
 * Queues the event for every active subscriber whose scope covers the incident, of the kinds
 * (email, webhook) the page has turned on.
 */
export function fanOutIncidentEvent(tx: Tx, event: { id: number; pageId: string; incidentId: string }, now: Date): void {
  const at = now.getTime();
  tx.run(sql`
    ${insertDeliveries} ${pendingFor(event.id, at)}
    FROM subscribers s JOIN pages p ON p.id = s.page_id
    WHERE s.page_id = ${event.pageId} AND s.state = 'active'
      AND (CASE s.mode WHEN 'email' THEN p.allow_email_subscribers ELSE p.allow_webhook_subscribers END)
      AND (
        s.scope = 'page'
        OR (s.scope = 'incident' AND s.incident_id = ${event.incidentId})
        OR (s.scope = 'components' AND EXISTS (
          SELECT 1 FROM subscriber_components sc
          JOIN incident_components ic ON ic.incident_id = ${event.incidentId}
          JOIN components c ON c.id = ic.component_id
          WHERE sc.subscriber_id = s.id AND (sc.component_id = c.id OR sc.component_id = c.group_id)
        ))
      )`);
}

/**
 * Queues a component status change for webhook subscribers covering the component (or its group).
 * Email subscribers hear about incidents, not bare component changes (as on Statuspage).
 */
export function fanOutComponentEvent(tx: Tx, event: { id: number; pageId: string; componentId: string }, now: Date): void {
  const at = now.getTime();
  tx.run(sql`
    ${insertDeliveries} ${pendingFor(event.id, at)}
    FROM subscribers s JOIN pages p ON p.id = s.page_id
    WHERE s.page_id = ${event.pageId} AND s.state = 'active' AND s.mode = 'webhook' AND p.allow_webhook_subscribers
      AND (
        s.scope = 'page'
        OR (s.scope = 'components' AND EXISTS (
          SELECT 1 FROM subscriber_components sc
          WHERE sc.subscriber_id = s.id
            AND (sc.component_id = ${event.componentId}
                 OR sc.component_id = (SELECT group_id FROM components WHERE id = ${event.componentId}))
        ))
      )`);
}

/** Writes a notice event addressed to one subscriber and queues it as an email to that subscriber's address. */
export function queueNotice(
  tx: Db | Tx,
  notice: { pageId: string; subscriberId: string; type: EventType; payload: Record<string, unknown> },
  now: Date,
): void {
  const event = tx
    .insert(events)
    .values({ publicId: `evt_${newId(20)}`, pageId: notice.pageId, type: notice.type, notify: true, payload: notice.payload, createdAt: now })
    .returning({ id: events.id })
    .get();
  const at = now.getTime();
  tx.run(sql`
    ${insertDeliveries} VALUES (${messageId}, ${event.id}, ${notice.subscriberId}, 'email', 'pending', 0, ${at}, ${at}, ${at})`);
}
