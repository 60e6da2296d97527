DROP INDEX `deliveries_due_idx`;--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`channel`,`next_attempt_at`) WHERE "deliveries"."state" IN ('pending', 'sending');