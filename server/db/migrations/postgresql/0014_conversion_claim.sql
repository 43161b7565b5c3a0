ALTER TABLE "courseware" ADD COLUMN "conversion_node" text;--> statement-breakpoint
ALTER TABLE "courseware" ADD COLUMN "conversion_lease_until" bigint;