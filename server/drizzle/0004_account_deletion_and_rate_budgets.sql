CREATE TABLE "deleted_users" (
	"cognito_sub" varchar(255) PRIMARY KEY NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bucket" varchar(32) NOT NULL,
	"key" varchar(320) NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ix_rate_events_bucket_key_at" ON "rate_events" USING btree ("bucket","key","at");