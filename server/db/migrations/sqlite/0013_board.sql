CREATE TABLE `board_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_session_id` integer NOT NULL,
	`position` integer NOT NULL,
	`source_kind` text NOT NULL,
	`courseware_id` integer,
	`page_number` integer,
	`items` text NOT NULL,
	FOREIGN KEY (`lesson_session_id`) REFERENCES `lesson_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`courseware_id`) REFERENCES `courseware`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `board_pages_lesson_position_idx` ON `board_pages` (`lesson_session_id`,`position`);