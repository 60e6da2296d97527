import { relations, sql } from 'drizzle-orm';
import { check, index, primaryKey, sqliteTable, text, uniqueIndex, integer } from 'drizzle-orm/sqlite-core';
import { type SubscriberMode, type SubscriberScope, type SubscriberState } from './constants.js';
import { flag, timestamp } from './columns.js';
import { components } from './components.js';
import { incidents } from './incidents.js';
import { pages } from './pages.js';

export const subscribers = sqliteTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    pageId: text('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    mode: text('mode').$type<SubscriberMode>().notNull(),
    state: text('state').$type<SubscriberState>().notNull(),
    // For webhook subscribers this is the contact told about failures and quarantine.
    email: text('email').notNull(),
    endpoint: text('endpoint'),
    scope: text('scope').$type<SubscriberScope>().notNull().default('page'),
    incidentId: text('incident_id').references(() => incidents.id, { onDelete: 'cascade' }),
    // Standard Webhooks signing secret (whsec_…). The previous one keeps signing until the overlap ends.
    secret: text('secret'),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at'),
    // Random and unguessable, never derived from the address: it goes into every notification's unsubscribe link.
    unsubscribeToken: text('unsubscribe_token').notNull().unique(),
    // The secret half of manage links (`<id>.<secret>`), embedded in every mail; null until first needed.
    manageSecret: text('manage_secret'),
    // Double opt-in: only a SHA-256 of the emailed confirmation secret is kept, with its expiry.
    confirmSecretHash: text('confirm_secret_hash'),
    confirmExpiresAt: timestamp('confirm_expires_at'),
    confirmationSentAt: timestamp('confirmation_sent_at'),
    // Consent evidence for self-serve sign-ups.
    signupIp: text('signup_ip'),
    signupUserAgent: text('signup_user_agent'),
    skipConfirmationNotification: flag('skip_confirmation_notification').notNull().default(false),
    // Consecutive failed attempts and when that run of failures began: the quarantine rule reads both.
    failureStreak: integer('failure_streak').notNull().default(0),
    failingSince: timestamp('failing_since'),
    lastSuccessAt: timestamp('last_success_at'),
    quarantinedAt: timestamp('quarantined_at'),
    quarantineReason: text('quarantine_reason'),
    confirmedAt: timestamp('confirmed_at'),
    unsubscribedAt: timestamp('unsubscribed_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    index('subscribers_page_state_idx').on(t.pageId, t.state),
    // One live subscription per address (email) or endpoint (webhook); unsubscribed rows are history.
    uniqueIndex('subscribers_live_email_idx')
      .on(t.pageId, sql`lower(${t.email})`)
      .where(sql`${t.mode} = 'email' AND ${t.state} <> 'unsubscribed' AND ${t.incidentId} IS NULL`),
    uniqueIndex('subscribers_live_incident_email_idx')
      .on(t.pageId, sql`lower(${t.email})`, t.incidentId)
      .where(sql`${t.mode} = 'email' AND ${t.state} <> 'unsubscribed' AND ${t.incidentId} IS NOT NULL`),
    uniqueIndex('subscribers_live_endpoint_idx')
      .on(t.pageId, t.endpoint)
      .where(sql`${t.mode} = 'webhook' AND ${t.state} <> 'unsubscribed'`),
    // Each mode fills exactly its own address column.
    check('subscribers_mode_fields', sql`(${t.mode} = 'webhook') = (${t.endpoint} IS NOT NULL AND ${t.secret} IS NOT NULL)`),
    check('subscribers_scope_incident', sql`(${t.scope} = 'incident') = (${t.incidentId} IS NOT NULL)`),
  ],
);

/** A component-scoped subscriber's components; a group id covers every component in the group, now and later. */
export const subscriberComponents = sqliteTable(
  'subscriber_components',
  {
    subscriberId: text('subscriber_id').notNull().references(() => subscribers.id, { onDelete: 'cascade' }),
    componentId: text('component_id').notNull().references(() => components.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.componentId] }), index('subscriber_components_component_idx').on(t.componentId)],
);

export const subscribersRelations = relations(subscribers, ({ many }) => ({
  subscriberComponents: many(subscriberComponents),
}));
export const subscriberComponentsRelations = relations(subscriberComponents, ({ one }) => ({
  subscriber: one(subscribers, { fields: [subscriberComponents.subscriberId], references: [subscribers.id] }),
}));
