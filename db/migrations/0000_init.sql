CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`platform` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_release_idx` ON `audit_events` (`release_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`due_at` integer NOT NULL,
	`payload` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`done_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`done_at`,`due_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_pending_key_uq` ON `jobs` (`release_id`,`key`) WHERE done_at IS NULL;--> statement-breakpoint
CREATE TABLE `message_refs` (
	`release_seq` integer NOT NULL,
	`platform` text NOT NULL,
	`channel_key` text NOT NULL,
	`channel_native_id` text NOT NULL,
	`message_id` text NOT NULL,
	FOREIGN KEY (`release_seq`) REFERENCES `releases`(`seq`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_refs_uq` ON `message_refs` (`release_seq`,`platform`,`channel_key`);--> statement-breakpoint
CREATE TABLE `policies` (
	`channel_key` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `releases` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text NOT NULL,
	`version` text NOT NULL,
	`environment` text NOT NULL,
	`description` text,
	`manager_id` text NOT NULL,
	`manager_name` text NOT NULL,
	`channel_platform` text NOT NULL,
	`channel_key` text NOT NULL,
	`channel_native_id` text NOT NULL,
	`scheduled_at` integer,
	`timezone` text NOT NULL,
	`state` text NOT NULL,
	`state_reason` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`decided_go_at` integer,
	`shipped_at` integer,
	`rollback_requested_at` integer,
	`recovered_at` integer,
	`retro_opened_at` integer,
	`closed_at` integer,
	`votes_voided_note` text,
	`webhook_note` text
);
--> statement-breakpoint
CREATE INDEX `releases_state_idx` ON `releases` (`state`);--> statement-breakpoint
CREATE INDEX `releases_service_idx` ON `releases` (`service`,`version`);--> statement-breakpoint
CREATE TABLE `retro_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`author` text NOT NULL,
	`author_name` text NOT NULL,
	`went_well` text NOT NULL,
	`went_badly` text NOT NULL,
	`action_items` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `role_bindings` (
	`subject` text NOT NULL,
	`role` text NOT NULL,
	`granted_by` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`subject`, `role`)
);
--> statement-breakpoint
CREATE TABLE `votes` (
	`release_seq` integer NOT NULL,
	`voter` text NOT NULL,
	`voter_name` text NOT NULL,
	`choice` text NOT NULL,
	`reason` text,
	`roles` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`release_seq`, `voter`),
	FOREIGN KEY (`release_seq`) REFERENCES `releases`(`seq`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`kind` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`url` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_idempotency_key_unique` ON `webhook_deliveries` (`idempotency_key`);