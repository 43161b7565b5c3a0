ALTER TABLE `courseware` ADD `conversion_node` text;--> statement-breakpoint
ALTER TABLE `courseware` ADD `conversion_lease_until` integer;