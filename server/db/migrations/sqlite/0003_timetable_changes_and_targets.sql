CREATE TABLE `calendar_days` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`follows_weekday` integer,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calendar_days_region_idx` ON `calendar_days` (`region_id`,`starts_on`);--> statement-breakpoint
ALTER TABLE `scheduled_lessons` ADD `ad_hoc` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `scheduled_lessons` ADD `moved_from` integer;--> statement-breakpoint
ALTER TABLE `scheduled_lessons` ADD `change_reason` text;--> statement-breakpoint
ALTER TABLE `region_targets` ADD `applies_to` text DEFAULT '["teaching_point"]' NOT NULL;