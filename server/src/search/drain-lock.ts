// One drainer at a time, across processes: the outbox is applied in id order by a single
// holder of a PostgreSQL advisory lock (pg server), or of an in-process mutex (PGlite, which
// only one process can open). Simple, ordered, and fast enough for snippet-sized writes.
import type pg from "pg";

export type Release = () => Promise<void>;
/** Resolves to a release function when the lock was taken, null when another process holds
 * it. Within one process callers queue instead, so a drain() always runs after the current one. */
export type DrainLock = () => Promise<Release | null>;

/** Arbitrary constant naming "the sync drain" among advisory locks. */
const LOCK_KEY = 7_406_006;

export function processLock(): DrainLock {
  let tail: Promise<void> = Promise.resolve();
  return async () => {
    let release!: () => void;
    const previous = tail;
    tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return async () => release();
  };
}

export function advisoryLock(pool: pg.Pool): DrainLock {
  const local = processLock();
  return async () => {
    const releaseLocal = await local();
    if (!releaseLocal) return null;
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      const res = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [
        LOCK_KEY,
      ]);
      if (!res.rows[0]?.ok) {
        client.release();
        await releaseLocal();
        return null;
      }
    } catch (err) {
      client?.release();
      await releaseLocal();
      throw err;
    }
    const held = client;
    return async () => {
      try {
        await held.query("select pg_advisory_unlock($1)", [LOCK_KEY]);
        held.release();
      } catch {
        // A broken connection drops its session locks anyway.
        held.release(true);
      }
      await releaseLocal();
    };
  };
}
