CREATE TABLE `link_health_days` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer,
	`day` text NOT NULL,
	`classroom_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`group_id` integer,
	`region_id` integer NOT NULL,
	`sampled_seconds` real NOT NULL,
	`poor_seconds` real NOT NULL,
	`samples` integer NOT NULL,
	`rtt_samples` integer NOT NULL,
	`rtt_median_ms` real,
	`loss_samples` integer NOT NULL,
	`loss_sum_pct` real NOT NULL,
	`loss_median_pct` real,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`classroom_id`) REFERENCES `classrooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `link_health_lesson_idx` ON `link_health_days` (`lesson_session_id`);--> statement-breakpoint
CREATE INDEX `link_health_region_day_idx` ON `link_health_days` (`region_id`,`day`);--> statement-breakpoint
CREATE INDEX `link_health_school_day_idx` ON `link_health_days` (`school_id`,`day`);--> statement-breakpoint
CREATE INDEX `link_health_classroom_day_idx` ON `link_health_days` (`classroom_id`,`day`);