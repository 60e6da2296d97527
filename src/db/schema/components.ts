import { relations } from 'drizzle-orm';
import { type AnySQLiteColumn, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { type ComponentStatus } from './constants.js';
import { flag, timestamp } from './columns.js';
import { pages } from './pages.js';

/** Components and component groups share one id space, as on Statuspage: a group is a row with isGroup. */
export const components = sqliteTable(
  'components',
  {
    id: text('id').primaryKey(),
    pageId: text('page_id').notNull().references(() => pages.id, { onDelete: 'cascade' }),
    // One level of nesting only; enforced by the verbs, since a CHECK cannot see the parent row.
    groupId: text('group_id').references((): AnySQLiteColumn => components.id, { onDelete: 'set null' }),
    isGroup: flag('is_group').notNull().default(false),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status').$type<ComponentStatus>().notNull().default('operational'),
    position: integer('position').notNull(),
    showcase: flag('showcase').notNull().default(true),
    onlyShowIfDegraded: flag('only_show_if_degraded').notNull().default(false),
    startDate: text('start_date'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('components_page_position_idx').on(t.pageId, t.position), index('components_group_idx').on(t.groupId)],
);

/** Every status change of a component, with its time: the history behind uptime bars and component webhooks. */
export const componentStatusChanges = sqliteTable(
  'component_status_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    publicId: text('public_id').notNull().unique(),
    componentId: text('component_id').notNull().references(() => components.id, { onDelete: 'cascade' }),
    oldStatus: text('old_status').$type<ComponentStatus>().notNull(),
    newStatus: text('new_status').$type<ComponentStatus>().notNull(),
    changedAt: timestamp('changed_at').notNull(),
  },
  (t) => [index('component_status_changes_component_time_idx').on(t.componentId, t.changedAt)],
);

export const componentsRelations = relations(components, ({ one, many }) => ({
  group: one(components, { fields: [components.groupId], references: [components.id], relationName: 'group' }),
  children: many(components, { relationName: 'group' }),
}));
