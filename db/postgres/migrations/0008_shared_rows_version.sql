CREATE TABLE "shared_rows_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
