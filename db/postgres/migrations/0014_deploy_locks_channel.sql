ALTER TABLE "deploy_locks" ADD COLUMN "channel_platform" text;--> statement-breakpoint
ALTER TABLE "deploy_locks" ADD COLUMN "channel_key" text;--> statement-breakpoint
ALTER TABLE "deploy_locks" ADD COLUMN "channel_native_id" text;