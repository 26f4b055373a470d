CREATE TABLE `release_criteria` (
	`release_seq` integer NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`role` text,
	`status` text NOT NULL,
	`set_by` text,
	`set_by_name` text,
	`source` text,
	`at` integer,
	`note` text,
	`url` text,
	`ci_owned` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`release_seq`, `name`),
	FOREIGN KEY (`release_seq`) REFERENCES `releases`(`seq`) ON UPDATE no action ON DELETE cascade
);
