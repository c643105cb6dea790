CREATE TABLE `altcha_used` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `altcha_used_expiry` ON `altcha_used` (`expires_at`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`detail` text,
	`public_note` text
);
--> statement-breakpoint
CREATE INDEX `audit_subject` ON `audit_events` (`subject_type`,`subject_id`,`id`);--> statement-breakpoint
CREATE TABLE `feedback_contacts` (
	`feedback_id` text PRIMARY KEY NOT NULL,
	`sealed` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`feedback_id`) REFERENCES `feedback_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `feedback_items` (
	`id` text PRIMARY KEY NOT NULL,
	`tracking_code` text NOT NULL,
	`secret_hash` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`payload_hash` text NOT NULL,
	`kind` text NOT NULL,
	`routed_to` text NOT NULL,
	`unit_id` text NOT NULL,
	`disclosure_id` text,
	`body` text,
	`meal` text,
	`suggestion` text,
	`public_consent` integer DEFAULT false NOT NULL,
	`has_contact` integer DEFAULT false NOT NULL,
	`state` text NOT NULL,
	`visibility` text DEFAULT 'pending' NOT NULL,
	`received_at` integer NOT NULL,
	`accepted_at` integer,
	`extension_days` integer,
	`extension_reason` text,
	`replied_at` integer,
	`reply_body` text,
	`first_answered_at` integer,
	`first_answer_due_at` integer,
	`closed_at` integer,
	`close_reason` text,
	`reopened_at` integer,
	`reopen_count` integer DEFAULT 0 NOT NULL,
	`reopen_reason` text,
	`rating` text,
	`rated_at` integer,
	`demo` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_items_tracking_code_unique` ON `feedback_items` (`tracking_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_items_idempotency_key_unique` ON `feedback_items` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `feedback_unit_visibility` ON `feedback_items` (`unit_id`,`visibility`,`received_at`);--> statement-breakpoint
CREATE INDEX `feedback_unit_route` ON `feedback_items` (`unit_id`,`routed_to`);--> statement-breakpoint
CREATE TABLE `invitation_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`label` text NOT NULL,
	`token_hash` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitation_batches_token_hash_unique` ON `invitation_batches` (`token_hash`);--> statement-breakpoint
CREATE TABLE `invitation_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`sealed` text NOT NULL,
	`position` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`batch_id`) REFERENCES `invitation_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitation_codes_code_hash_unique` ON `invitation_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `invitation_batch_position` ON `invitation_codes` (`batch_id`,`position`);--> statement-breakpoint
CREATE TABLE `otp_challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`phone_key` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL,
	`max_count` integer NOT NULL,
	`expires_at` integer NOT NULL,
	CONSTRAINT "rate_limit_within" CHECK("rate_limits"."count" <= "rate_limits"."max_count")
);
--> statement-breakpoint
CREATE INDEX `rate_limits_expiry` ON `rate_limits` (`expires_at`);--> statement-breakpoint
CREATE TABLE `survey_answers` (
	`response_id` text NOT NULL,
	`question_id` text NOT NULL,
	`answer` text NOT NULL,
	PRIMARY KEY(`response_id`, `question_id`),
	FOREIGN KEY (`response_id`) REFERENCES `survey_responses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `survey_responses` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`voter_key` text NOT NULL,
	`via` text NOT NULL,
	`relation` text NOT NULL,
	`submitted_on` text NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_responses_one_per_person` ON `survey_responses` (`survey_id`,`voter_key`);--> statement-breakpoint
CREATE INDEX `survey_responses_unit` ON `survey_responses` (`survey_id`,`unit_id`);--> statement-breakpoint
CREATE TABLE `surveys` (
	`id` text PRIMARY KEY NOT NULL,
	`carrier` text NOT NULL,
	`period_label` text NOT NULL,
	`opens_on` text NOT NULL,
	`closes_on` text NOT NULL,
	`question_ids` text NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
