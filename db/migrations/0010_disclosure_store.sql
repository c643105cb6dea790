CREATE TABLE `disclosure_submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`unit_id` text NOT NULL,
	`disclosure_id` text NOT NULL,
	`change` text NOT NULL,
	`data` text,
	`source_file_name` text,
	`reason` text,
	`submitted_by` text NOT NULL,
	`submitted_at` integer NOT NULL,
	`state` text DEFAULT 'submitted' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`rejection_reason` text
);
--> statement-breakpoint
CREATE INDEX `disclosure_submissions_unit_state` ON `disclosure_submissions` (`unit_id`,`state`);--> statement-breakpoint
CREATE INDEX `disclosure_submissions_disclosure` ON `disclosure_submissions` (`disclosure_id`);--> statement-breakpoint
CREATE TABLE `disclosure_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`disclosure_id` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`unit_id` text NOT NULL,
	`change` text NOT NULL,
	`data` text,
	`reason` text,
	`submission_id` text NOT NULL,
	`approved_by` text NOT NULL,
	`approved_at` integer NOT NULL,
	`scrubbed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `disclosure_versions_series` ON `disclosure_versions` (`disclosure_id`,`version`);--> statement-breakpoint
CREATE TRIGGER `disclosure_versions_append_only_delete` BEFORE DELETE ON `disclosure_versions`
BEGIN SELECT RAISE(ABORT, 'disclosure_versions: append-only'); END;--> statement-breakpoint
CREATE TRIGGER `disclosure_versions_append_only_update` BEFORE UPDATE ON `disclosure_versions`
WHEN NOT COALESCE((
  -- The one allowed update: an expired student-aid list's recipient names blanked, once, nothing else.
  OLD.`kind` = 'studentAid' AND OLD.`scrubbed_at` IS NULL AND NEW.`scrubbed_at` IS NOT NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`disclosure_id` IS OLD.`disclosure_id` AND NEW.`version` IS OLD.`version`
  AND NEW.`kind` IS OLD.`kind` AND NEW.`unit_id` IS OLD.`unit_id` AND NEW.`change` IS OLD.`change`
  AND NEW.`reason` IS OLD.`reason` AND NEW.`submission_id` IS OLD.`submission_id`
  AND NEW.`approved_by` IS OLD.`approved_by` AND NEW.`approved_at` IS OLD.`approved_at`
  AND OLD.`data` IS NOT NULL AND json_valid(NEW.`data`)
  AND json_remove(NEW.`data`, '$.recipients') IS json_remove(OLD.`data`, '$.recipients')
  AND json_array_length(NEW.`data`, '$.recipients') IS json_array_length(OLD.`data`, '$.recipients')
  AND NOT EXISTS (
    SELECT 1 FROM json_each(OLD.`data`, '$.recipients') o
    WHERE json_remove(o.`value`, '$.name')
        IS NOT json_remove(json_extract(NEW.`data`, '$.recipients[' || o.`key` || ']'), '$.name')
      OR json_extract(NEW.`data`, '$.recipients[' || o.`key` || '].name') IS NOT '')
), 0)
BEGIN SELECT RAISE(ABORT, 'disclosure_versions: append-only'); END;
