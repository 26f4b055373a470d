CREATE TABLE "shared_rows_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE shared_rows_version ADD CONSTRAINT shared_rows_version_one_row CHECK (id = 1);--> statement-breakpoint
INSERT INTO shared_rows_version (id, version) VALUES (1, 0);
