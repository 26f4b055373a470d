CREATE TABLE `deploy_locks` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`reason` text NOT NULL,
	`locked_by` text NOT NULL,
	`locked_by_name` text NOT NULL,
	`at` integer NOT NULL,
	`release_id` text,
	PRIMARY KEY(`service`, `environment`)
);
--> statement-breakpoint
CREATE TABLE `deploy_queue` (
	`release_id` text PRIMARY KEY NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`behind` text NOT NULL,
	`queued_at` integer NOT NULL,
	`scheduled_at` integer
);
--> statement-breakpoint
CREATE INDEX `deploy_queue_target_idx` ON `deploy_queue` (`service`,`environment`,`queued_at`);--> statement-breakpoint
CREATE TABLE `freeze_overrides` (
	`release_id` text PRIMARY KEY NOT NULL,
	`by` text NOT NULL,
	`by_name` text NOT NULL,
	`reason` text NOT NULL,
	`freeze` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `freeze_windows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel_key` text NOT NULL,
	`kind` text NOT NULL,
	`start_at` integer,
	`end_at` integer,
	`start_day` integer,
	`start_minute` integer,
	`end_day` integer,
	`end_minute` integer,
	`zone` text NOT NULL,
	`reason` text,
	`created_by` text NOT NULL,
	`created_by_name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `freeze_windows_channel_idx` ON `freeze_windows` (`channel_key`);