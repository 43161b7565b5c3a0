CREATE TABLE `lesson_materials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scheduled_lesson_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`kind` text NOT NULL,
	`courseware_id` integer,
	`title` text,
	`url` text,
	`note` text DEFAULT '' NOT NULL,
	`shown` text NOT NULL,
	`before_hours` integer NOT NULL,
	`position` integer NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`scheduled_lesson_id`) REFERENCES `scheduled_lessons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`courseware_id`) REFERENCES `courseware`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lesson_materials_lesson_idx` ON `lesson_materials` (`scheduled_lesson_id`,`position`);--> statement-breakpoint
CREATE INDEX `lesson_materials_course_idx` ON `lesson_materials` (`course_id`);--> statement-breakpoint
CREATE TABLE `material_openings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`material_id` integer NOT NULL,
	`scheduled_lesson_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`site_kind` text NOT NULL,
	`classroom_id` integer,
	`school_id` integer,
	`region_id` integer,
	`opened_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`material_id`) REFERENCES `lesson_materials`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`scheduled_lesson_id`) REFERENCES `scheduled_lessons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `material_openings_material_idx` ON `material_openings` (`material_id`);--> statement-breakpoint
CREATE INDEX `material_openings_classroom_idx` ON `material_openings` (`classroom_id`,`opened_at`);