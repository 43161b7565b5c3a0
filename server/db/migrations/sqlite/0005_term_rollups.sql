CREATE TABLE `usage_region_weeks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`week` text NOT NULL,
	`term_id` integer NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`site_days` integer NOT NULL,
	`held` integer NOT NULL,
	`delivered` integer NOT NULL,
	`hosted` integer NOT NULL,
	`received` integer NOT NULL,
	`received_seconds` integer NOT NULL,
	`hosted_seconds` integer NOT NULL,
	`student_seconds` integer NOT NULL,
	`attendance_expected` integer NOT NULL,
	`attendance_present` integer NOT NULL,
	`home_expected` integer NOT NULL,
	`home_present` integer NOT NULL,
	`participants_present` integer NOT NULL,
	`participants_active` integer NOT NULL,
	`hands` integer NOT NULL,
	`chat_messages` integer NOT NULL,
	`poll_answers` integer NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_region_weeks_key_idx` ON `usage_region_weeks` (`region_id`,`week`,`subject`,`kind`,`term_id`);--> statement-breakpoint
CREATE TABLE `usage_school_terms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`site_days` integer NOT NULL,
	`held` integer NOT NULL,
	`delivered` integer NOT NULL,
	`hosted` integer NOT NULL,
	`received` integer NOT NULL,
	`received_seconds` integer NOT NULL,
	`hosted_seconds` integer NOT NULL,
	`student_seconds` integer NOT NULL,
	`attendance_expected` integer NOT NULL,
	`attendance_present` integer NOT NULL,
	`home_expected` integer NOT NULL,
	`home_present` integer NOT NULL,
	`participants_present` integer NOT NULL,
	`participants_active` integer NOT NULL,
	`hands` integer NOT NULL,
	`chat_messages` integer NOT NULL,
	`poll_answers` integer NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_school_terms_key_idx` ON `usage_school_terms` (`school_id`,`subject`,`kind`,`term_id`,`region_id`);--> statement-breakpoint
CREATE INDEX `usage_school_terms_region_term_idx` ON `usage_school_terms` (`region_id`,`term_id`);--> statement-breakpoint
CREATE TABLE `usage_school_weeks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`week` text NOT NULL,
	`term_id` integer NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`site_days` integer NOT NULL,
	`held` integer NOT NULL,
	`delivered` integer NOT NULL,
	`hosted` integer NOT NULL,
	`received` integer NOT NULL,
	`received_seconds` integer NOT NULL,
	`hosted_seconds` integer NOT NULL,
	`student_seconds` integer NOT NULL,
	`attendance_expected` integer NOT NULL,
	`attendance_present` integer NOT NULL,
	`home_expected` integer NOT NULL,
	`home_present` integer NOT NULL,
	`participants_present` integer NOT NULL,
	`participants_active` integer NOT NULL,
	`hands` integer NOT NULL,
	`chat_messages` integer NOT NULL,
	`poll_answers` integer NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_school_weeks_key_idx` ON `usage_school_weeks` (`school_id`,`week`,`subject`,`kind`,`term_id`,`region_id`);--> statement-breakpoint
CREATE INDEX `usage_school_weeks_region_week_idx` ON `usage_school_weeks` (`region_id`,`week`);--> statement-breakpoint
CREATE TABLE `usage_teacher_weeks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`week` text NOT NULL,
	`term_id` integer NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` integer NOT NULL,
	`lessons` integer NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_teacher_weeks_key_idx` ON `usage_teacher_weeks` (`school_id`,`week`,`subject`,`kind`,`term_id`,`region_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `usage_teacher_weeks_region_week_idx` ON `usage_teacher_weeks` (`region_id`,`week`);--> statement-breakpoint
CREATE TABLE `usage_week_threshold` (
	`id` integer PRIMARY KEY NOT NULL,
	`delivered_seconds` integer NOT NULL
);
