ALTER TABLE `staff_accounts` ADD `totp_pending` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_accounts` ADD `password_change` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `surveys` ADD `unit_ids` text;--> statement-breakpoint
ALTER TABLE `surveys` ADD `standard_year` integer;--> statement-breakpoint
ALTER TABLE `surveys` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `surveys` ADD `published_at` integer;--> statement-breakpoint
-- Data (hand-written): surveys that existed before the lifecycle were public as soon as they had answers;
-- they stay published.
UPDATE `surveys` SET `published_at` = `created_at` WHERE `published_at` IS NULL;