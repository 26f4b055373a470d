-- 0005 rebuilt audit_events without AUTOINCREMENT, and a rebuilt table loses its triggers:
-- the audit trail stays append-only, refused at the database itself (as in 0001).
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
-- Votes live in their primary key's b-tree (WITHOUT ROWID): a vote writes one b-tree
-- instead of a rowid table plus its primary-key index. drizzle cannot say WITHOUT ROWID,
-- so db/schema.ts says it in a comment; a generated rebuild of votes must keep it.
CREATE TABLE `__new_votes` (
	`release_seq` integer NOT NULL,
	`voter` text NOT NULL,
	`voter_name` text NOT NULL,
	`choice` text NOT NULL,
	`reason` text,
	`roles` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`release_seq`, `voter`),
	FOREIGN KEY (`release_seq`) REFERENCES `releases`(`seq`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_votes`("release_seq", "voter", "voter_name", "choice", "reason", "roles", "at") SELECT "release_seq", "voter", "voter_name", "choice", "reason", "roles", "at" FROM `votes`;
--> statement-breakpoint
DROP TABLE `votes`;
--> statement-breakpoint
ALTER TABLE `__new_votes` RENAME TO `votes`;
