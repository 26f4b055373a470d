CREATE TABLE `notice_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`notice` text NOT NULL,
	`created_at` integer NOT NULL,
	`holder` text,
	`lease_until` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_to` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notice_outbox_lease_idx` ON `notice_outbox` (`lease_until`);