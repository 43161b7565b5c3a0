CREATE TABLE `recording_tracks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recording_id` integer NOT NULL,
	`participant_id` text NOT NULL,
	`site_name` text NOT NULL,
	`role` text NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`file_key` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`size_bytes` integer,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `recording_tracks_recording_idx` ON `recording_tracks` (`recording_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `recording_view_days` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`day` text NOT NULL,
	`week` text NOT NULL,
	`recording_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`region_id` integer,
	`group_id` integer,
	`school_id` integer,
	`classroom_id` integer,
	`home_delivery` integer DEFAULT false NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	`watched_seconds` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recording_view_days_key` ON `recording_view_days` (`day`,`recording_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `recording_view_days_school_idx` ON `recording_view_days` (`school_id`,`day`);--> statement-breakpoint
CREATE INDEX `recording_view_days_region_idx` ON `recording_view_days` (`region_id`,`day`);--> statement-breakpoint
CREATE TABLE `recording_viewings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recording_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`device` text NOT NULL,
	`school_id` integer,
	`region_id` integer,
	`group_id` integer,
	`classroom_id` integer,
	`home_delivery` integer DEFAULT false NOT NULL,
	`started_at` integer NOT NULL,
	`last_report_at` integer NOT NULL,
	`watched` text NOT NULL,
	`watched_seconds` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recording_viewings_recording_idx` ON `recording_viewings` (`recording_id`);--> statement-breakpoint
CREATE INDEX `recording_viewings_school_time_idx` ON `recording_viewings` (`school_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `recording_viewings_region_time_idx` ON `recording_viewings` (`region_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `recording_viewings_user_idx` ON `recording_viewings` (`user_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `recordings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`failure` text,
	`cut` text,
	`node_id` text,
	`started_by` integer,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`duration_ms` integer,
	`high_key` text,
	`high_bytes` integer,
	`high_bitrate` integer,
	`low_key` text,
	`low_bytes` integer,
	`low_bitrate` integer,
	`visibility` text,
	`published_at` integer,
	`published_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`started_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recordings_lesson_idx` ON `recordings` (`lesson_session_id`);--> statement-breakpoint
CREATE INDEX `recordings_course_idx` ON `recordings` (`course_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `recordings_status_idx` ON `recordings` (`status`);--> statement-breakpoint
CREATE INDEX `recordings_published_idx` ON `recordings` (`visibility`,`published_at`);--> statement-breakpoint
ALTER TABLE `courses` ADD `recording_policy` text DEFAULT 'teacher_choice' NOT NULL;