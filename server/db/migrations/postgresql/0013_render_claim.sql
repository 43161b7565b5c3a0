ALTER TABLE "recordings" ADD COLUMN "render_node" text;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "render_lease_until" bigint;