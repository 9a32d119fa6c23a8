ALTER TABLE "search_documents" ADD COLUMN "lexical" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "search_documents" ADD COLUMN "structure" "bytea";