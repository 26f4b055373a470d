CREATE TABLE "event_claims" (
	"id" text PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL
);
