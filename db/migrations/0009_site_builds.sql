CREATE TABLE `site_builds` (
	`id` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text,
	`requested_at` integer NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`build_id` text,
	`started_at` integer,
	`finished_at` integer,
	`error` text,
	`error_subject` text
);
--> statement-breakpoint
CREATE INDEX `site_builds_state` ON `site_builds` (`state`,`requested_at`);