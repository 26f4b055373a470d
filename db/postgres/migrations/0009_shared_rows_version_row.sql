-- shared_rows_version is one row: every write transaction reads it with BEGIN and bumps it when it writes a shared row.
ALTER TABLE shared_rows_version ADD CONSTRAINT shared_rows_version_one_row CHECK (id = 1);
--> statement-breakpoint
INSERT INTO shared_rows_version (id, version) VALUES (1, 0);
