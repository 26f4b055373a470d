CREATE TABLE "card_leases" (
	"platform" text NOT NULL,
	"channel_key" text NOT NULL,
	"message_id" text NOT NULL,
	"release_seq" integer NOT NULL,
	"channel_native_id" text NOT NULL,
	"holder" text,
	"lease_until" bigint DEFAULT 0 NOT NULL,
	"last_edit_at" bigint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"rendered" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "card_leases_platform_channel_key_message_id_pk" PRIMARY KEY("platform","channel_key","message_id")
);
--> statement-breakpoint
ALTER TABLE "card_leases" ADD CONSTRAINT "card_leases_release_seq_releases_seq_fk" FOREIGN KEY ("release_seq") REFERENCES "public"."releases"("seq") ON DELETE cascade ON UPDATE no action;