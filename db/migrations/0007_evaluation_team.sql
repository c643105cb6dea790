CREATE TABLE `attachments` (
	`sha256` text PRIMARY KEY NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `evaluation_appeals` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`year` integer NOT NULL,
	`item_key` text NOT NULL,
	`reason` text NOT NULL,
	`lodged_by` text NOT NULL,
	`lodged_at` integer NOT NULL,
	`answer` text,
	`outcome` text,
	`answered_by` text,
	`answered_at` integer,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_appeals_unit_year` ON `evaluation_appeals` (`unit_id`,`year`);--> statement-breakpoint
CREATE TABLE `evaluation_signoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`year` integer NOT NULL,
	`version` integer NOT NULL,
	`signed_at` integer NOT NULL,
	`signed_by` text NOT NULL,
	`appeal_id` text,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_signoffs_version` ON `evaluation_signoffs` (`unit_id`,`year`,`version`);--> statement-breakpoint
CREATE TABLE `evaluator_marks` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`year` integer NOT NULL,
	`item_key` text NOT NULL,
	`evaluator` text NOT NULL,
	`value` text,
	`points` real,
	`deductions` text NOT NULL,
	`note` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`signed_off_at` integer,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluator_marks_item` ON `evaluator_marks` (`evaluator`,`unit_id`,`year`,`item_key`);--> statement-breakpoint
CREATE INDEX `evaluator_marks_unit_year` ON `evaluator_marks` (`unit_id`,`year`);--> statement-breakpoint
CREATE TABLE `mark_evidence` (
	`mark_id` text NOT NULL,
	`sha256` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`mark_id`, `sha256`),
	FOREIGN KEY (`mark_id`) REFERENCES `evaluator_marks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sha256`) REFERENCES `attachments`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mark_evidence_sha` ON `mark_evidence` (`sha256`);--> statement-breakpoint
ALTER TABLE `evaluation_marks` ADD `signed_off_at` integer;--> statement-breakpoint
ALTER TABLE `evaluation_marks` ADD `signoff_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `evaluation_marks` ADD `reconcile_reason` text;--> statement-breakpoint
-- Hand-written (issue 17). Backfill: marks recorded before the evaluation team existed are legacy data, taken as
-- signed off when they were recorded (version 1 by `legacy`), so the scorecards they produce stay as they are and
-- are locked like every later sign-off.
INSERT INTO `evaluation_signoffs` (`id`, `unit_id`, `year`, `version`, `signed_at`, `signed_by`, `appeal_id`, `demo`)
  SELECT 'legacy:' || `unit_id` || ':' || `year`, `unit_id`, `year`, 1, MAX(`recorded_at`), 'legacy', NULL, MAX(`demo`)
  FROM `evaluation_marks` GROUP BY `unit_id`, `year`;--> statement-breakpoint
UPDATE `evaluation_marks` SET `signed_off_at` = `recorded_at`, `signoff_version` = 1 WHERE `signed_off_at` IS NULL;--> statement-breakpoint
-- Hand-written: signed-off marks are locked in the database itself, whatever code runs. A final mark changes only
-- through the re-sign-off of an upheld appeal: the same batch first records a sign-off with a higher version that
-- names the appeal, then raises the row's `signoff_version` to it; anything else that touches a signed-off row aborts.
CREATE TRIGGER `evaluation_marks_locked_update` BEFORE UPDATE ON `evaluation_marks`
WHEN OLD.`signed_off_at` IS NOT NULL AND NOT (
  NEW.`signoff_version` > OLD.`signoff_version` AND NEW.`signed_off_at` IS NOT NULL AND EXISTS (
    SELECT 1 FROM `evaluation_signoffs` s
    WHERE s.`unit_id` = NEW.`unit_id` AND s.`year` = NEW.`year` AND s.`version` = NEW.`signoff_version`
      AND s.`appeal_id` IS NOT NULL))
BEGIN SELECT RAISE(ABORT, 'evaluation_marks: signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `evaluation_marks_locked_delete` BEFORE DELETE ON `evaluation_marks`
WHEN OLD.`signed_off_at` IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'evaluation_marks: signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `evaluation_marks_locked_insert` BEFORE INSERT ON `evaluation_marks`
WHEN NEW.`signed_off_at` IS NULL AND EXISTS (
  SELECT 1 FROM `evaluation_signoffs` s WHERE s.`unit_id` = NEW.`unit_id` AND s.`year` = NEW.`year`)
BEGIN SELECT RAISE(ABORT, 'evaluation_marks: unit and year signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `evaluator_marks_locked_update` BEFORE UPDATE ON `evaluator_marks`
WHEN OLD.`signed_off_at` IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'evaluator_marks: signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `evaluator_marks_locked_delete` BEFORE DELETE ON `evaluator_marks`
WHEN OLD.`signed_off_at` IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'evaluator_marks: signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `evaluator_marks_locked_insert` BEFORE INSERT ON `evaluator_marks`
WHEN EXISTS (SELECT 1 FROM `evaluation_signoffs` s WHERE s.`unit_id` = NEW.`unit_id` AND s.`year` = NEW.`year`)
BEGIN SELECT RAISE(ABORT, 'evaluator_marks: unit and year signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `mark_evidence_locked_insert` BEFORE INSERT ON `mark_evidence`
WHEN (SELECT `signed_off_at` FROM `evaluator_marks` WHERE `id` = NEW.`mark_id`) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'mark_evidence: mark signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `mark_evidence_locked_delete` BEFORE DELETE ON `mark_evidence`
WHEN (SELECT `signed_off_at` FROM `evaluator_marks` WHERE `id` = OLD.`mark_id`) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'mark_evidence: mark signed off, locked'); END;--> statement-breakpoint
CREATE TRIGGER `evaluation_signoffs_append_only_update` BEFORE UPDATE ON `evaluation_signoffs`
BEGIN SELECT RAISE(ABORT, 'evaluation_signoffs: append-only'); END;--> statement-breakpoint
CREATE TRIGGER `evaluation_signoffs_append_only_delete` BEFORE DELETE ON `evaluation_signoffs`
BEGIN SELECT RAISE(ABORT, 'evaluation_signoffs: append-only'); END;
