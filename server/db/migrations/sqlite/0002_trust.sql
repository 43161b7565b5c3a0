CREATE TABLE `student_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`student_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`issued_by` integer,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`student_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `student_links_course_idx` ON `student_links` (`course_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `demo_account` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `student_link_id` integer REFERENCES student_links(id);--> statement-breakpoint
CREATE INDEX `sessions_student_link_idx` ON `sessions` (`student_link_id`);--> statement-breakpoint
ALTER TABLE `lesson_sessions` ADD `evidence_incomplete` integer DEFAULT false NOT NULL;