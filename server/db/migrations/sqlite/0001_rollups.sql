CREATE TABLE `evidence_purges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ran_at` integer NOT NULL,
	`cutoff` integer NOT NULL,
	`deleted_rows` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `region_targets` (
	`region_id` integer PRIMARY KEY NOT NULL,
	`lessons_per_week` real,
	`subjects_per_term` integer,
	`attendance_pct` real,
	`required_subjects` text DEFAULT '[]' NOT NULL,
	`max_cv` real,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `usage_lesson_teachers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`day` text NOT NULL,
	`week` text NOT NULL,
	`region_id` integer NOT NULL,
	`group_id` integer,
	`school_id` integer NOT NULL,
	`classroom_id` integer,
	`user_id` integer NOT NULL,
	`part` text NOT NULL,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `usage_lesson_teachers_lesson_idx` ON `usage_lesson_teachers` (`lesson_session_id`);--> statement-breakpoint
CREATE INDEX `usage_lesson_teachers_region_day_idx` ON `usage_lesson_teachers` (`region_id`,`day`);--> statement-breakpoint
CREATE INDEX `usage_lesson_teachers_school_day_idx` ON `usage_lesson_teachers` (`school_id`,`day`);--> statement-breakpoint
CREATE TABLE `usage_site_days` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`scheduled_lesson_id` integer,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`day` text NOT NULL,
	`week` text NOT NULL,
	`lesson_start` integer NOT NULL,
	`site_kind` text NOT NULL,
	`region_id` integer NOT NULL,
	`group_id` integer,
	`school_id` integer NOT NULL,
	`classroom_id` integer,
	`lesson_seconds` integer NOT NULL,
	`site_lesson_seconds` integer NOT NULL,
	`connected_seconds` integer NOT NULL,
	`students_expected` integer DEFAULT 0 NOT NULL,
	`attendance_expected` integer DEFAULT 0 NOT NULL,
	`attendance_present` integer DEFAULT 0 NOT NULL,
	`home_expected` integer DEFAULT 0 NOT NULL,
	`home_present` integer DEFAULT 0 NOT NULL,
	`participants_present` integer DEFAULT 0 NOT NULL,
	`participants_active` integer DEFAULT 0 NOT NULL,
	`hands` integer DEFAULT 0 NOT NULL,
	`chat_messages` integer DEFAULT 0 NOT NULL,
	`poll_answers` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `usage_site_days_lesson_idx` ON `usage_site_days` (`lesson_session_id`);--> statement-breakpoint
CREATE INDEX `usage_site_days_region_day_idx` ON `usage_site_days` (`region_id`,`day`);--> statement-breakpoint
CREATE INDEX `usage_site_days_school_day_idx` ON `usage_site_days` (`school_id`,`day`);--> statement-breakpoint
CREATE INDEX `usage_site_days_classroom_day_idx` ON `usage_site_days` (`classroom_id`,`day`);--> statement-breakpoint
CREATE INDEX `usage_site_days_course_day_idx` ON `usage_site_days` (`course_id`,`day`);--> statement-breakpoint
CREATE INDEX `usage_site_days_scheduled_idx` ON `usage_site_days` (`scheduled_lesson_id`);