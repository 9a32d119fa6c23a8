CREATE TABLE "ws_connections" (
	"connection_id" varchar(128) PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"subscriptions" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ws_connections" ADD CONSTRAINT "ws_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ix_ws_connections_user" ON "ws_connections" USING btree ("user_id");