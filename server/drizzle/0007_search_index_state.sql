CREATE TABLE "search_index_state" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"documents" integer DEFAULT 0 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_index_state" ADD CONSTRAINT "search_index_state_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ix_search_documents_user_time_rank" ON "search_documents" USING btree ("user_id","time_rank","snippet_id");--> statement-breakpoint
CREATE INDEX "ix_search_documents_user_space_rank" ON "search_documents" USING btree ("user_id","space_rank","snippet_id");
--> statement-breakpoint
CREATE FUNCTION "search_index_state_track"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- A row leaving a user (delete, or an update that moves it) counts down; its version stays
	-- the highest seen, and the count tells the caches that something went.
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id) THEN
		UPDATE search_index_state SET documents = documents - 1 WHERE user_id = OLD.user_id;
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id) THEN
		INSERT INTO search_index_state AS s (user_id, documents, version)
		VALUES (NEW.user_id, 1, NEW.version)
		ON CONFLICT (user_id) DO UPDATE
		SET documents = s.documents + 1, version = greatest(s.version, EXCLUDED.version);
	ELSIF TG_OP = 'UPDATE' AND NEW.version <> OLD.version THEN
		UPDATE search_index_state SET version = greatest(version, NEW.version)
		WHERE user_id = NEW.user_id;
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "search_documents_track_state" AFTER INSERT OR UPDATE OR DELETE ON "search_documents"
FOR EACH ROW EXECUTE FUNCTION "search_index_state_track"();
--> statement-breakpoint
INSERT INTO "search_index_state" ("user_id", "documents", "version")
SELECT "user_id", count(*)::int, max("version") FROM "search_documents" GROUP BY "user_id"
ON CONFLICT ("user_id") DO NOTHING;
