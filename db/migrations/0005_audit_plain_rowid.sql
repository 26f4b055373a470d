PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`release_id` text,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`platform` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`prev_hash` text,
	`hash` text
);
--> statement-breakpoint
INSERT INTO `__new_audit_events`("id", "release_id", "at", "actor", "platform", "type", "data", "prev_hash", "hash") SELECT "id", "release_id", "at", "actor", "platform", "type", "data", "prev_hash", "hash" FROM `audit_events`;--> statement-breakpoint
DROP TABLE `audit_events`;--> statement-breakpoint
ALTER TABLE `__new_audit_events` RENAME TO `audit_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `audit_release_idx` ON `audit_events` (`release_id`);