CREATE TABLE `pages` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`url` text,
	`time_zone` text DEFAULT 'Etc/UTC' NOT NULL,
	`page_description` text,
	`headline` text,
	`branding` text DEFAULT 'basic' NOT NULL,
	`subdomain` text,
	`domain` text,
	`support_url` text,
	`hidden_from_search` integer DEFAULT false NOT NULL,
	`viewers_must_be_team_members` integer DEFAULT false NOT NULL,
	`allow_page_subscribers` integer DEFAULT true NOT NULL,
	`allow_incident_subscribers` integer DEFAULT true NOT NULL,
	`allow_email_subscribers` integer DEFAULT true NOT NULL,
	`allow_sms_subscribers` integer DEFAULT false NOT NULL,
	`allow_rss_atom_feeds` integer DEFAULT true NOT NULL,
	`allow_webhook_subscribers` integer DEFAULT true NOT NULL,
	`notifications_from_email` text,
	`notifications_email_footer` text,
	`twitter_username` text,
	`ip_restrictions` text,
	`city` text,
	`state` text,
	`country` text,
	`css` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `component_status_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`public_id` text NOT NULL,
	`component_id` text NOT NULL,
	`old_status` text NOT NULL,
	`new_status` text NOT NULL,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `component_status_changes_public_id_unique` ON `component_status_changes` (`public_id`);--> statement-breakpoint
CREATE INDEX `component_status_changes_component_time_idx` ON `component_status_changes` (`component_id`,`changed_at`);--> statement-breakpoint
CREATE TABLE `components` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`group_id` text,
	`is_group` integer DEFAULT false NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'operational' NOT NULL,
	`position` integer NOT NULL,
	`showcase` integer DEFAULT true NOT NULL,
	`only_show_if_degraded` integer DEFAULT false NOT NULL,
	`start_date` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `components_page_position_idx` ON `components` (`page_id`,`position`);--> statement-breakpoint
CREATE INDEX `components_group_idx` ON `components` (`group_id`);--> statement-breakpoint
CREATE TABLE `incident_components` (
	`incident_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`incident_id`, `component_id`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_components_component_idx` ON `incident_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `incident_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`seq` integer NOT NULL,
	`status` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`display_at` integer NOT NULL,
	`deliver_notifications` integer DEFAULT true NOT NULL,
	`affected_components` text,
	`custom_tweet` text,
	`tweet_id` text,
	`wants_twitter_update` integer DEFAULT false NOT NULL,
	`twitter_updated_at` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_updates_incident_seq_idx` ON `incident_updates` (`incident_id`,`seq`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`peak_impact` text DEFAULT 'none' NOT NULL,
	`impact_override` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer NOT NULL,
	`monitoring_at` integer,
	`resolved_at` integer,
	`scheduled_for` integer,
	`scheduled_until` integer,
	`scheduled_remind_prior` integer DEFAULT false NOT NULL,
	`scheduled_reminded_at` integer,
	`scheduled_auto_in_progress` integer DEFAULT false NOT NULL,
	`scheduled_auto_completed` integer DEFAULT false NOT NULL,
	`auto_transition_to_maintenance_state` integer DEFAULT false NOT NULL,
	`auto_transition_to_operational_state` integer DEFAULT false NOT NULL,
	`auto_transition_deliver_notifications_at_start` integer DEFAULT false NOT NULL,
	`auto_transition_deliver_notifications_at_end` integer DEFAULT false NOT NULL,
	`reminder_intervals` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`backfilled` integer DEFAULT false NOT NULL,
	`postmortem_body` text,
	`postmortem_body_last_updated_at` integer,
	`postmortem_ignored` integer DEFAULT false NOT NULL,
	`postmortem_notified_subscribers` integer DEFAULT false NOT NULL,
	`postmortem_notified_twitter` integer DEFAULT false NOT NULL,
	`postmortem_published_at` integer,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incidents_page_created_idx` ON `incidents` (`page_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_maintenance_due_idx` ON `incidents` (`scheduled_for`,`scheduled_until`) WHERE "incidents"."scheduled_for" IS NOT NULL AND "incidents"."status" IN ('scheduled', 'in_progress', 'verifying');--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`public_id` text NOT NULL,
	`page_id` text NOT NULL,
	`type` text NOT NULL,
	`incident_id` text,
	`incident_update_id` text,
	`component_id` text,
	`notify` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_public_id_unique` ON `events` (`public_id`);--> statement-breakpoint
CREATE INDEX `events_page_created_idx` ON `events` (`page_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);