CREATE TABLE `consultation_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`year` integer NOT NULL,
	`indicator_key` text NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	`demo` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consultation_comments_year` ON `consultation_comments` (`year`,`indicator_key`);--> statement-breakpoint
CREATE TABLE `evaluation_marks` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`year` integer NOT NULL,
	`item_key` text NOT NULL,
	`value` text,
	`points` real,
	`deductions` text NOT NULL,
	`note` text,
	`evaluator` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_marks_item` ON `evaluation_marks` (`unit_id`,`year`,`item_key`);--> statement-breakpoint
CREATE INDEX `evaluation_marks_year` ON `evaluation_marks` (`year`);--> statement-breakpoint
CREATE TABLE `grade_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` text NOT NULL,
	`year` integer NOT NULL,
	`grade` text NOT NULL,
	`total` real NOT NULL,
	`reason` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`actor` text NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `grade_records_unit_year` ON `grade_records` (`unit_id`,`year`,`id`);--> statement-breakpoint
CREATE TABLE `survey_tallies` (
	`survey_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`question_id` text NOT NULL,
	`answer` text NOT NULL,
	`relation` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`survey_id`, `unit_id`, `question_id`, `answer`, `relation`),
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `veto_events` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`veto_key` text NOT NULL,
	`occurred_on` text NOT NULL,
	`source` text NOT NULL,
	`note` text,
	`recorded_by` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `veto_events_unit` ON `veto_events` (`unit_id`,`occurred_on`);--> statement-breakpoint
INSERT INTO `survey_tallies` (`survey_id`, `unit_id`, `question_id`, `answer`, `relation`, `n`)
SELECT r.`survey_id`, r.`unit_id`, a.`question_id`, a.`answer`, r.`relation`, count(*)
FROM `survey_answers` a JOIN `survey_responses` r ON r.`id` = a.`response_id`
GROUP BY r.`survey_id`, r.`unit_id`, a.`question_id`, a.`answer`, r.`relation`;
