import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { flag, timestamp } from './columns.js';

/** One row: Herald serves one status page per instance. */
export const pages = sqliteTable('pages', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url'),
  timeZone: text('time_zone').notNull().default('Etc/UTC'),
  pageDescription: text('page_description'),
  headline: text('headline'),
  branding: text('branding').notNull().default('basic'),
  subdomain: text('subdomain'),
  domain: text('domain'),
  supportUrl: text('support_url'),
  hiddenFromSearch: flag('hidden_from_search').notNull().default(false),
  viewersMustBeTeamMembers: flag('viewers_must_be_team_members').notNull().default(false),
  allowPageSubscribers: flag('allow_page_subscribers').notNull().default(true),
  allowIncidentSubscribers: flag('allow_incident_subscribers').notNull().default(true),
  allowEmailSubscribers: flag('allow_email_subscribers').notNull().default(true),
  allowSmsSubscribers: flag('allow_sms_subscribers').notNull().default(false),
  allowRssAtomFeeds: flag('allow_rss_atom_feeds').notNull().default(true),
  allowWebhookSubscribers: flag('allow_webhook_subscribers').notNull().default(true),
  notificationsFromEmail: text('notifications_from_email'),
  notificationsEmailFooter: text('notifications_email_footer'),
  twitterUsername: text('twitter_username'),
  ipRestrictions: text('ip_restrictions'),
  city: text('city'),
  state: text('state'),
  country: text('country'),
  // Cosmetic settings from Statuspage's page object, kept as one JSON object of
  // css_* colours so the table does not grow a column per colour.
  css: text('css', { mode: 'json' }).$type<Record<string, string | null>>().notNull().default({}),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});
