CREATE TABLE `classrooms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`school_id` integer NOT NULL,
	`name` text NOT NULL,
	`receiving` integer DEFAULT true NOT NULL,
	`multimedia` integer DEFAULT true NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `classrooms_school_idx` ON `classrooms` (`school_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `classrooms_school_name_uq` ON `classrooms` (`school_id`,`name`);--> statement-breakpoint
CREATE TABLE `education_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`name` text NOT NULL,
	`lead_school_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `education_groups_region_idx` ON `education_groups` (`region_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `education_groups_region_name_uq` ON `education_groups` (`region_id`,`name`);--> statement-breakpoint
CREATE TABLE `regions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `regions_code_unique` ON `regions` (`code`);--> statement-breakpoint
CREATE TABLE `schools` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`group_id` integer,
	`name` text NOT NULL,
	`group_role` text NOT NULL,
	`locality` text NOT NULL,
	`stage` text NOT NULL,
	`student_count` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `education_groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `schools_region_idx` ON `schools` (`region_id`);--> statement-breakpoint
CREATE INDEX `schools_group_idx` ON `schools` (`group_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `schools_region_name_uq` ON `schools` (`region_id`,`name`);--> statement-breakpoint
CREATE TABLE `role_grants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`region_id` integer,
	`group_id` integer,
	`school_id` integer,
	`classroom_id` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `education_groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `role_grants_user_idx` ON `role_grants` (`user_id`);--> statement-breakpoint
CREATE INDEX `role_grants_school_idx` ON `role_grants` (`school_id`);--> statement-breakpoint
CREATE TABLE `student_profiles` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`school_id` integer NOT NULL,
	`grade` integer NOT NULL,
	`class_name` text DEFAULT '' NOT NULL,
	`home_delivery` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text,
	`locale` text,
	`active` integer DEFAULT true NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `device_pairings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`classroom_id` integer NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `device_pairings_code_idx` ON `device_pairings` (`code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`course_id` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `course_receivers` (
	`course_id` integer NOT NULL,
	`classroom_id` integer NOT NULL,
	`assistant_teacher_id` integer,
	`expected_students` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`course_id`, `classroom_id`),
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assistant_teacher_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `course_receivers_classroom_idx` ON `course_receivers` (`classroom_id`);--> statement-breakpoint
CREATE TABLE `course_students` (
	`course_id` integer NOT NULL,
	`student_id` integer NOT NULL,
	PRIMARY KEY(`course_id`, `student_id`),
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`student_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `course_students_student_idx` ON `course_students` (`student_id`);--> statement-breakpoint
CREATE TABLE `courses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`name` text NOT NULL,
	`subject` text NOT NULL,
	`grade` integer NOT NULL,
	`kind` text NOT NULL,
	`lead_teacher_id` integer NOT NULL,
	`host_classroom_id` integer,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_teacher_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`host_classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `courses_term_idx` ON `courses` (`term_id`);--> statement-breakpoint
CREATE INDEX `courses_school_idx` ON `courses` (`school_id`);--> statement-breakpoint
CREATE INDEX `courses_teacher_idx` ON `courses` (`lead_teacher_id`);--> statement-breakpoint
CREATE TABLE `lesson_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`scheduled_lesson_id` integer,
	`started_at` integer NOT NULL,
	`started_by` integer NOT NULL,
	`ended_at` integer,
	`ended_by` integer,
	`end_reason` text,
	`last_heartbeat_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scheduled_lesson_id`) REFERENCES `scheduled_lessons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`started_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lesson_sessions_course_time_idx` ON `lesson_sessions` (`course_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `lesson_sessions_time_idx` ON `lesson_sessions` (`started_at`);--> statement-breakpoint
CREATE TABLE `scheduled_lessons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`slot_id` integer,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`slot_id`) REFERENCES `timetable_slots`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `scheduled_lessons_course_time_idx` ON `scheduled_lessons` (`course_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `scheduled_lessons_time_idx` ON `scheduled_lessons` (`starts_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_lessons_slot_time_uq` ON `scheduled_lessons` (`slot_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `terms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`name` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `terms_region_idx` ON `terms` (`region_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `terms_region_name_uq` ON `terms` (`region_id`,`name`);--> statement-breakpoint
CREATE TABLE `timetable_slots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`weekday` integer NOT NULL,
	`period` integer NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `timetable_slots_course_idx` ON `timetable_slots` (`course_id`);--> statement-breakpoint
CREATE TABLE `attendance_intervals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`participant_id` text NOT NULL,
	`user_id` integer,
	`site_kind` text NOT NULL,
	`classroom_id` integer,
	`school_id` integer,
	`region_id` integer,
	`joined_at` integer NOT NULL,
	`left_at` integer,
	`leave_reason` text,
	`headcount` integer,
	`last_heartbeat_at` integer NOT NULL,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attendance_lesson_idx` ON `attendance_intervals` (`lesson_session_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `attendance_classroom_time_idx` ON `attendance_intervals` (`classroom_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `attendance_school_time_idx` ON `attendance_intervals` (`school_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `attendance_region_time_idx` ON `attendance_intervals` (`region_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `attendance_user_time_idx` ON `attendance_intervals` (`user_id`,`joined_at`);--> statement-breakpoint
CREATE TABLE `media_state_intervals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`participant_id` text NOT NULL,
	`user_id` integer,
	`classroom_id` integer,
	`school_id` integer,
	`kind` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `media_state_lesson_idx` ON `media_state_intervals` (`lesson_session_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `media_state_school_time_idx` ON `media_state_intervals` (`school_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `participation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`participant_id` text NOT NULL,
	`user_id` integer,
	`classroom_id` integer,
	`school_id` integer,
	`region_id` integer,
	`kind` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`poll_id` text,
	`correct` integer,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `participation_lesson_idx` ON `participation_events` (`lesson_session_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `participation_school_time_idx` ON `participation_events` (`school_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `participation_region_time_idx` ON `participation_events` (`region_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `quality_samples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`participant_id` text NOT NULL,
	`classroom_id` integer,
	`school_id` integer,
	`sampled_at` integer NOT NULL,
	`rtt_ms` real,
	`packet_loss_pct` real,
	`recv_bitrate` integer,
	`send_bitrate` integer,
	`consumer_score` integer,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `quality_lesson_idx` ON `quality_samples` (`lesson_session_id`,`sampled_at`);--> statement-breakpoint
CREATE INDEX `quality_classroom_time_idx` ON `quality_samples` (`classroom_id`,`sampled_at`);