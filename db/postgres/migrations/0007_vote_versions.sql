CREATE TABLE "vote_versions" (
	"release_seq" integer PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"cleared" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "vote_versions" ADD CONSTRAINT "vote_versions_release_seq_releases_seq_fk" FOREIGN KEY ("release_seq") REFERENCES "public"."releases"("seq") ON DELETE cascade ON UPDATE no action;