CREATE TABLE `closed_channels_told` (
	`release_id` text NOT NULL,
	`channel_key` text NOT NULL,
	`told_at` integer NOT NULL,
	PRIMARY KEY(`release_id`, `channel_key`)
);
