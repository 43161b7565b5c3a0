CREATE TABLE `evaluation_resource_inputs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`term_id` integer NOT NULL,
	`school_id` integer NOT NULL,
	`stage` text NOT NULL,
	`students` integer NOT NULL,
	`degree_teachers` integer NOT NULL,
	`key_teachers` integer NOT NULL,
	`pe_art_teachers` integer NOT NULL,
	`floor_area` real NOT NULL,
	`sports_area` real NOT NULL,
	`equipment_value` real NOT NULL,
	`networked_classrooms` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`school_id`) REFERENCES `schools`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_resource_inputs_part_uq` ON `evaluation_resource_inputs` (`school_id`,`term_id`,`stage`);--> statement-breakpoint
CREATE INDEX `evaluation_resource_inputs_region_term_idx` ON `evaluation_resource_inputs` (`region_id`,`term_id`);