CREATE TABLE `card_leases` (
	`platform` text NOT NULL,
	`channel_key` text NOT NULL,
	`message_id` text NOT NULL,
	`release_seq` integer NOT NULL,
	`channel_native_id` text NOT NULL,
	`holder` text,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_edit_at` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`rendered` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`platform`, `channel_key`, `message_id`),
	FOREIGN KEY (`release_seq`) REFERENCES `releases`(`seq`) ON UPDATE no action ON DELETE cascade
);
