CREATE TABLE "release_criteria" (
	"release_seq" integer NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"role" text,
	"status" text NOT NULL,
	"set_by" text,
	"set_by_name" text,
	"source" text,
	"at" bigint,
	"note" text,
	"url" text,
	"ci_owned" boolean DEFAULT false NOT NULL,
	CONSTRAINT "release_criteria_release_seq_name_pk" PRIMARY KEY("release_seq","name")
);
--> statement-breakpoint
ALTER TABLE "release_criteria" ADD CONSTRAINT "release_criteria_release_seq_releases_seq_fk" FOREIGN KEY ("release_seq") REFERENCES "public"."releases"("seq") ON DELETE cascade ON UPDATE no action;