import { relations, sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { type ComponentStatus, type Impact, type IncidentStatus } from './constants.js';
import { flag, timestamp } from './columns.js';
import { components } from './components.js';
import { pages } from './pages.js';

/** Realtime incidents and scheduled maintenances (a maintenance is an incident with scheduledFor). */
export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    pageId: text('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').$type<IncidentStatus>().notNull(),
    // The worst impact the incident's component changes have reached; the wire `impact` is impactOverride ?? this.
    peakImpact: text('peak_impact').$type<Impact>().notNull().default('none'),
    impactOverride: text('impact_override').$type<Impact>(),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    startedAt: timestamp('started_at').notNull(),
    monitoringAt: timestamp('monitoring_at'),
    resolvedAt: timestamp('resolved_at'),
    scheduledFor: timestamp('scheduled_for'),
    scheduledUntil: timestamp('scheduled_until'),
    scheduledRemindPrior: flag('scheduled_remind_prior').notNull().default(false),
    scheduledRemindedAt: timestamp('scheduled_reminded_at'),
    scheduledAutoInProgress: flag('scheduled_auto_in_progress').notNull().default(false),
    scheduledAutoCompleted: flag('scheduled_auto_completed').notNull().default(false),
    autoTransitionToMaintenanceState: flag('auto_transition_to_maintenance_state').notNull().default(false),
    autoTransitionToOperationalState: flag('auto_transition_to_operational_state').notNull().default(false),
    autoTransitionDeliverNotificationsAtStart: flag('auto_transition_deliver_notifications_at_start').notNull().default(false),
    autoTransitionDeliverNotificationsAtEnd: flag('auto_transition_deliver_notifications_at_end').notNull().default(false),
    reminderIntervals: text('reminder_intervals'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    backfilled: flag('backfilled').notNull().default(false),
    postmortemBody: text('postmortem_body'),
    postmortemBodyLastUpdatedAt: timestamp('postmortem_body_last_updated_at'),
    postmortemIgnored: flag('postmortem_ignored').notNull().default(false),
    postmortemNotifiedSubscribers: flag('postmortem_notified_subscribers').notNull().default(false),
    postmortemNotifiedTwitter: flag('postmortem_notified_twitter').notNull().default(false),
    postmortemPublishedAt: timestamp('postmortem_published_at'),
  },
  (t) => [
    index('incidents_page_created_idx').on(t.pageId, t.createdAt),
    // Partial: the scheduler looks for due maintenances every few seconds.
    index('incidents_maintenance_due_idx')
      .on(t.scheduledFor, t.scheduledUntil)
      .where(sql`${t.scheduledFor} IS NOT NULL AND ${t.status} IN ('scheduled', 'in_progress', 'verifying')`),
  ],
);

/** The components an incident affects (its `component_ids` plus the keys of its `components` map). */
export const incidentComponents = sqliteTable(
  'incident_components',
  {
    incidentId: text('incident_id').notNull().references(() => incidents.id, { onDelete: 'cascade' }),
    componentId: text('component_id').notNull().references(() => components.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.componentId] }), index('incident_components_component_idx').on(t.componentId)],
);

export interface AffectedComponent {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

export const incidentUpdates = sqliteTable(
  'incident_updates',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull().references(() => incidents.id, { onDelete: 'cascade' }),
    // Strictly increasing per incident, so "newest first" never depends on equal timestamps.
    seq: integer('seq').notNull(),
    status: text('status').$type<IncidentStatus>().notNull(),
    body: text('body').notNull().default(''),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    displayAt: timestamp('display_at').notNull(),
    deliverNotifications: flag('deliver_notifications').notNull().default(true),
    affectedComponents: text('affected_components', { mode: 'json' }).$type<AffectedComponent[] | null>(),
    customTweet: text('custom_tweet'),
    tweetId: text('tweet_id'),
    wantsTwitterUpdate: flag('wants_twitter_update').notNull().default(false),
    twitterUpdatedAt: timestamp('twitter_updated_at'),
  },
  (t) => [index('incident_updates_incident_seq_idx').on(t.incidentId, t.seq)],
);

export const incidentsRelations = relations(incidents, ({ many }) => ({
  updates: many(incidentUpdates),
  incidentComponents: many(incidentComponents),
}));
export const incidentUpdatesRelations = relations(incidentUpdates, ({ one }) => ({
  incident: one(incidents, { fields: [incidentUpdates.incidentId], references: [incidents.id] }),
}));
export const incidentComponentsRelations = relations(incidentComponents, ({ one }) => ({
  incident: one(incidents, { fields: [incidentComponents.incidentId], references: [incidents.id] }),
  component: one(components, { fields: [incidentComponents.componentId], references: [components.id] }),
}));
