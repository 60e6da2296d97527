import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { type DeliveryChannel, type DeliveryState } from './constants.js';
import { timestamp } from './columns.js';
import { events } from './events.js';
import { subscribers } from './subscribers.js';

/** The outbox: one row per (event, subscriber, channel), written in the same transaction as the event. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // The webhook-id / Message-ID: the same on every attempt, so receivers can dedupe.
    messageId: text('message_id').notNull().unique(),
    eventId: integer('event_id').notNull().references(() => events.id, { onDelete: 'cascade' }),
    subscriberId: text('subscriber_id').notNull().references(() => subscribers.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<DeliveryChannel>().notNull(),
    state: text('state').$type<DeliveryState>().notNull().default('pending'),
    attemptCount: integer('attempt_count').notNull().default(0),
    // When the row is next due; while `sending` it is the lease expiry, so a crashed worker's rows come back.
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    // Fencing token of the current lease: a late result from an earlier lease changes nothing.
    leaseToken: text('lease_token'),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    deliveredAt: timestamp('delivered_at'),
  },
  (t) => [
    uniqueIndex('deliveries_event_subscriber_channel_idx').on(t.eventId, t.subscriberId, t.channel),
    // Partial: the worker's claim reads only due rows; delivered history never enters this b-tree.
    // Channel first: each channel claims within its own budget, without scanning the other's rows.
    index('deliveries_due_idx').on(t.channel, t.nextAttemptAt).where(sql`${t.state} IN ('pending', 'sending')`),
    index('deliveries_subscriber_idx').on(t.subscriberId, t.state),
    index('deliveries_state_idx').on(t.state, t.updatedAt),
  ],
);

/** One row per try: what the operator sees when asking why a delivery failed. */
export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id').notNull().references(() => deliveries.id, { onDelete: 'cascade' }),
    attemptNumber: integer('attempt_number').notNull(),
    startedAt: timestamp('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [index('delivery_attempts_delivery_idx').on(t.deliveryId, t.attemptNumber)],
);
