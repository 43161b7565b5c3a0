CREATE TABLE `satisfaction_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`respondent_group` text NOT NULL,
	`code` text NOT NULL,
	`used` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `satisfaction_surveys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `satisfaction_codes_code_uq` ON `satisfaction_codes` (`code`);--> statement-breakpoint
CREATE INDEX `satisfaction_codes_survey_school_idx` ON `satisfaction_codes` (`survey_id`,`school_id`,`respondent_group`);--> statement-breakpoint
CREATE TABLE `satisfaction_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`respondent_group` text NOT NULL,
	`answers` text NOT NULL,
	`comment` text,
	`submitted_on` text NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `satisfaction_surveys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `satisfaction_responses_survey_idx` ON `satisfaction_responses` (`survey_id`,`school_id`);--> statement-breakpoint
CREATE TABLE `satisfaction_surveys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`title` text NOT NULL,
	`opens_on` text NOT NULL,
	`closes_on` text NOT NULL,
	`questions` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `satisfaction_surveys_region_term_uq` ON `satisfaction_surveys` (`region_id`,`term_id`);