CREATE TABLE `subscriber_components` (
	`subscriber_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`subscriber_id`, `component_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subscriber_components_component_idx` ON `subscriber_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`mode` text NOT NULL,
	`state` text NOT NULL,
	`email` text NOT NULL,
	`endpoint` text,
	`scope` text DEFAULT 'page' NOT NULL,
	`incident_id` text,
	`secret` text,
	`previous_secret` text,
	`previous_secret_expires_at` integer,
	`unsubscribe_token` text NOT NULL,
	`skip_confirmation_notification` integer DEFAULT false NOT NULL,
	`failure_streak` integer DEFAULT 0 NOT NULL,
	`failing_since` integer,
	`last_success_at` integer,
	`quarantined_at` integer,
	`quarantine_reason` text,
	`confirmed_at` integer,
	`unsubscribed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "subscribers_mode_fields" CHECK(("subscribers"."mode" = 'webhook') = ("subscribers"."endpoint" IS NOT NULL AND "subscribers"."secret" IS NOT NULL)),
	CONSTRAINT "subscribers_scope_incident" CHECK(("subscribers"."scope" = 'incident') = ("subscribers"."incident_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_unsubscribe_token_unique` ON `subscribers` (`unsubscribe_token`);--> statement-breakpoint
CREATE INDEX `subscribers_page_state_idx` ON `subscribers` (`page_id`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_live_email_idx` ON `subscribers` (`page_id`,lower("email")) WHERE "subscribers"."mode" = 'email' AND "subscribers"."state" <> 'unsubscribed' AND "subscribers"."incident_id" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_live_incident_email_idx` ON `subscribers` (`page_id`,lower("email"),`incident_id`) WHERE "subscribers"."mode" = 'email' AND "subscribers"."state" <> 'unsubscribed' AND "subscribers"."incident_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_live_endpoint_idx` ON `subscribers` (`page_id`,`endpoint`) WHERE "subscribers"."mode" = 'webhook' AND "subscribers"."state" <> 'unsubscribed';--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`event_id` integer NOT NULL,
	`subscriber_id` text NOT NULL,
	`channel` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempt_count` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_token` text,
	`last_error` text,
	`last_status_code` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_message_id_unique` ON `deliveries` (`message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_event_subscriber_channel_idx` ON `deliveries` (`event_id`,`subscriber_id`,`channel`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`next_attempt_at`) WHERE "deliveries"."state" IN ('pending', 'sending');--> statement-breakpoint
CREATE INDEX `deliveries_subscriber_idx` ON `deliveries` (`subscriber_id`,`state`);--> statement-breakpoint
CREATE INDEX `deliveries_state_idx` ON `deliveries` (`state`,`updated_at`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`attempt_number` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`response_excerpt` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery_idx` ON `delivery_attempts` (`delivery_id`,`attempt_number`);