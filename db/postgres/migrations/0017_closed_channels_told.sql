CREATE TABLE "closed_channels_told" (
	"release_id" text NOT NULL,
	"channel_key" text NOT NULL,
	"told_at" bigint NOT NULL,
	CONSTRAINT "closed_channels_told_release_id_channel_key_pk" PRIMARY KEY("release_id","channel_key")
);
