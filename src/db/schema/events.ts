import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { type EventType } from './constants.js';
import { flag, timestamp } from './columns.js';
import { components } from './components.js';
import { incidents } from './incidents.js';
import { pages } from './pages.js';

/**
 * Something subscribers hear about, written in the same transaction as the change.
 * The payload (Statuspage's webhook body without the per-subscriber `meta`) is rendered
 * once here, so every delivery of the event sends the same bytes.
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    publicId: text('public_id').notNull().unique(),
    pageId: text('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    type: text('type').$type<EventType>().notNull(),
    incidentId: text('incident_id').references(() => incidents.id, { onDelete: 'cascade' }),
    incidentUpdateId: text('incident_update_id'),
    componentId: text('component_id').references(() => components.id, { onDelete: 'cascade' }),
    // false when the update was posted with deliver_notifications: false; kept for the record.
    notify: flag('notify').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('events_page_created_idx').on(t.pageId, t.createdAt)],
);
