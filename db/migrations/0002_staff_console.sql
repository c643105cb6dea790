CREATE TABLE `feedback_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`feedback_id` text NOT NULL,
	`account_id` text NOT NULL,
	`body` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`feedback_id`) REFERENCES `feedback_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `staff_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_notes_item` ON `feedback_notes` (`feedback_id`,`at`);--> statement-breakpoint
CREATE TABLE `feedback_redactions` (
	`id` text PRIMARY KEY NOT NULL,
	`feedback_id` text NOT NULL,
	`field` text NOT NULL,
	`original` text NOT NULL,
	`account_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`feedback_id`) REFERENCES `feedback_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `staff_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_redactions_item` ON `feedback_redactions` (`feedback_id`);--> statement-breakpoint
CREATE TABLE `staff_account_units` (
	`account_id` text NOT NULL,
	`unit_id` text NOT NULL,
	PRIMARY KEY(`account_id`, `unit_id`),
	FOREIGN KEY (`account_id`) REFERENCES `staff_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `staff_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`totp_sealed` text NOT NULL,
	`totp_last_step` integer DEFAULT 0 NOT NULL,
	`disabled_at` integer,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_accounts_username_unique` ON `staff_accounts` (`username`);--> statement-breakpoint
CREATE TABLE `staff_logins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`account_id` text,
	`outcome` text NOT NULL,
	`ip_key` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `staff_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_logins_account_at` ON `staff_logins` (`account_id`,`at`);--> statement-breakpoint
CREATE INDEX `staff_logins_ip_at` ON `staff_logins` (`ip_key`,`at`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `staff_accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_sessions_account` ON `staff_sessions` (`account_id`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `hash` text;--> statement-breakpoint
-- Written by hand (RELIABILITY.md §4 step 2): audit rows are append-only. The only update allowed is
-- the seal that fills prev_hash and hash once. This stops application bugs, not someone with the file
-- (they can drop the triggers); the hash chain and the published checkpoints cover that case.
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `audit_events_seal_only` BEFORE UPDATE ON `audit_events`
WHEN OLD.`hash` IS NOT NULL OR NEW.`id` IS NOT OLD.`id` OR NEW.`at` IS NOT OLD.`at` OR NEW.`actor` IS NOT OLD.`actor`
  OR NEW.`action` IS NOT OLD.`action` OR NEW.`subject_type` IS NOT OLD.`subject_type` OR NEW.`subject_id` IS NOT OLD.`subject_id`
  OR NEW.`detail` IS NOT OLD.`detail` OR NEW.`public_note` IS NOT OLD.`public_note`
BEGIN SELECT RAISE(ABORT, 'audit_events rows are sealed once and never changed'); END;
