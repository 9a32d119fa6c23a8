-- Wakes the search sync when an outbox event commits: a NOTIFY on `code_remote_sync`, sent
-- by PostgreSQL (and PGlite) only once the inserting transaction commits, to every process
-- that LISTENs (the API's in-process sync, `npm run sync-worker`). One notification per
-- statement, not per row; identical notifications in one transaction arrive once. The
-- payload is empty: the outbox rows, not the message, say what to do.
CREATE OR REPLACE FUNCTION "sync_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('code_remote_sync', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "tr_sync_events_notify" AFTER INSERT ON "sync_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "sync_events_notify"();
