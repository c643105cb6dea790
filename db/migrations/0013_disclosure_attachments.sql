CREATE TABLE `disclosure_attachments` (
	`submission_id` text NOT NULL,
	`position` integer NOT NULL,
	`sha256` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`submission_id`, `position`),
	FOREIGN KEY (`submission_id`) REFERENCES `disclosure_submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sha256`) REFERENCES `attachments`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `disclosure_attachments_sha` ON `disclosure_attachments` (`sha256`);