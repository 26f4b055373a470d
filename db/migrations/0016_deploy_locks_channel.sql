ALTER TABLE `deploy_locks` ADD `channel_platform` text;--> statement-breakpoint
ALTER TABLE `deploy_locks` ADD `channel_key` text;--> statement-breakpoint
ALTER TABLE `deploy_locks` ADD `channel_native_id` text;