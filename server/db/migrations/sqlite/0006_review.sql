CREATE TABLE `evaluation_review_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`section_key` text,
	`item_key` text,
	`body` text NOT NULL,
	`author_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `evaluation_submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_review_comments_submission_idx` ON `evaluation_review_comments` (`submission_id`,`version`);--> statement-breakpoint
CREATE TABLE `evaluation_review_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`action` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor_id` integer NOT NULL,
	`comment` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `evaluation_submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_review_events_submission_idx` ON `evaluation_review_events` (`submission_id`);--> statement-breakpoint
CREATE TABLE `evaluation_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`version` integer NOT NULL,
	`content` text NOT NULL,
	`sha256` text NOT NULL,
	`submitted_by` integer NOT NULL,
	`submitted_at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `evaluation_submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_snapshots_submission_version_uq` ON `evaluation_snapshots` (`submission_id`,`version`);--> statement-breakpoint
CREATE TABLE `evaluation_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`state` text NOT NULL,
	`version` integer NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_submissions_region_term_uq` ON `evaluation_submissions` (`region_id`,`term_id`);--> statement-breakpoint
CREATE INDEX `evaluation_submissions_state_idx` ON `evaluation_submissions` (`state`);--> statement-breakpoint
ALTER TABLE `regions` ADD `level` text DEFAULT 'county' NOT NULL;--> statement-breakpoint
ALTER TABLE `regions` ADD `parent_id` integer REFERENCES regions(id);--> statement-breakpoint
CREATE INDEX `regions_parent_idx` ON `regions` (`parent_id`);