ALTER TABLE `recordings` ADD `render_node` text;--> statement-breakpoint
ALTER TABLE `recordings` ADD `render_lease_until` integer;