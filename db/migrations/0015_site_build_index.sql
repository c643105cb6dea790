ALTER TABLE `site_builds` ADD `index_state` text;--> statement-breakpoint
ALTER TABLE `site_builds` ADD `index_finished_at` integer;--> statement-breakpoint
ALTER TABLE `site_builds` ADD `index_error` text;