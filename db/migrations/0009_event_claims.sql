-- One b-tree (WITHOUT ROWID): a claim, made on every press, writes its primary key only,
-- not a rowid table plus its primary-key index. drizzle cannot say WITHOUT ROWID, so
-- db/schema.ts says it in a comment; a generated rebuild of event_claims must keep it.
CREATE TABLE `event_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
) WITHOUT ROWID;
