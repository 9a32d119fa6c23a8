CREATE TABLE "search_documents" (
	"snippet_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text,
	"description" text,
	"language" varchar(50) NOT NULL,
	"time_complexity" varchar(50),
	"space_complexity" varchar(50),
	"time_rank" smallint,
	"space_rank" smallint,
	"is_starred" boolean DEFAULT false NOT NULL,
	"terms" text DEFAULT '' NOT NULL,
	"document" "tsvector" NOT NULL,
	"embedding" "bytea" NOT NULL,
	"embedding_model" varchar(100) NOT NULL,
	"version" bigserial NOT NULL,
	"snippet_updated_at" timestamp with time zone NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_documents" ADD CONSTRAINT "search_documents_snippet_id_snippets_id_fk" FOREIGN KEY ("snippet_id") REFERENCES "public"."snippets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "search_documents" ADD CONSTRAINT "search_documents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ix_search_documents_user_version" ON "search_documents" USING btree ("user_id","version");--> statement-breakpoint
CREATE INDEX "ix_search_documents_document" ON "search_documents" USING gin ("document");