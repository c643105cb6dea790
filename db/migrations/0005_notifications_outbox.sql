CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`subject_id` text NOT NULL,
	`recipient_kind` text NOT NULL,
	`recipient_id` text NOT NULL,
	`channel` text NOT NULL,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`delivered_at` integer,
	`failed_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`delivered_at`,`failed_at`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `feedback_contacts` ADD `notify` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_accounts` ADD `email` text;--> statement-breakpoint
ALTER TABLE `staff_accounts` ADD `phone` text;