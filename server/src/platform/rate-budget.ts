// Rate budgets shared by every process that uses one database (issue 10 item 6): the
// execution budget (sync and async alike), login per account and per client, sign-up per
// client. An exact sliding window: one row per admitted event in `rate_events`; admission
// is atomic — a transaction-scoped advisory lock per (bucket, key) serialises the
// count-then-insert, so N replicas cannot each admit the last slot.
import { and, count, eq, gte, lt, min, sql } from "drizzle-orm";
import type { Database, Db } from "./db/database.js";
import { rateEvents } from "./db/schema/index.js";

export interface RateBudget {
  /** Records an event for `key`; 0 when admitted, else the whole seconds to wait. */
  take(key: string): Promise<number>;
}

/** A budget kept in `rate_events`, which can also tell whether a key has an event in its
 * window without recording one. */
export interface DbRateBudget extends RateBudget {
  /** True when `key` has an admitted event in the window (records nothing). */
  admitted(key: string): Promise<boolean>;
}

export interface DbRateBudgetOptions {
  db: Db;
  /** Names the budget; keys of different buckets never meet. */
  bucket: string;
  /** Events allowed per window; 0 turns the budget off. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

/** Rows older than the window are pruned for the key in hand on every call, and for the
 * whole bucket every PRUNE_EVERY calls (keys that never come back). */
const PRUNE_EVERY = 500;

export function createDbRateBudget(o: DbRateBudgetOptions): DbRateBudget {
  const now = o.now ?? Date.now;
  let calls = 0;
  return {
    async admitted(key) {
      const [row] = await o.db
        .select({ n: count() })
        .from(rateEvents)
        .where(
          and(
            eq(rateEvents.bucket, o.bucket),
            eq(rateEvents.key, key),
            gte(rateEvents.at, new Date(now() - o.windowMs)),
          ),
        );
      return (row?.n ?? 0) > 0;
    },
    async take(key) {
      if (o.limit <= 0) return 0;
      const at = now();
      const since = new Date(at - o.windowMs);
      const pruneAll = ++calls % PRUNE_EVERY === 0;
      return o.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${o.bucket}\u0001${key}`}))`);
        await tx
          .delete(rateEvents)
          .where(
            and(
              eq(rateEvents.bucket, o.bucket),
              ...(pruneAll ? [] : [eq(rateEvents.key, key)]),
              lt(rateEvents.at, since),
            ),
          );
        const [used] = await tx
          .select({ n: count(), oldest: min(rateEvents.at) })
          .from(rateEvents)
          .where(and(eq(rateEvents.bucket, o.bucket), eq(rateEvents.key, key)));
        if ((used?.n ?? 0) >= o.limit) {
          const oldest = used?.oldest ? new Date(used.oldest).getTime() : at;
          return Math.max(1, Math.ceil((oldest + o.windowMs - at) / 1000));
        }
        await tx.insert(rateEvents).values({ bucket: o.bucket, key, at: new Date(at) });
        return 0;
      });
    },
  };
}

export interface MemoryRateBudgetOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

/**
 * The same exact sliding window in this process's memory. Only for a database one process
 * can open (PGlite): every event then passes through this process, so the window is as
 * exact and as shared (sync and async alike) as the table, without the five statements a
 * request would cost there — on PGlite those were most of the server's CPU per run
 * (bench:execute). The window starts empty after a restart.
 */
export function createMemoryRateBudget(o: MemoryRateBudgetOptions): RateBudget {
  const now = o.now ?? Date.now;
  /** Admitted times per key, oldest first. */
  const log = new Map<string, number[]>();
  let calls = 0;
  const expire = (times: number[], since: number) => {
    let drop = 0;
    while (drop < times.length && (times[drop] as number) <= since) drop += 1;
    if (drop > 0) times.splice(0, drop);
  };
  return {
    async take(key) {
      if (o.limit <= 0) return 0;
      const at = now();
      const since = at - o.windowMs;
      if (++calls % PRUNE_EVERY === 0) {
        for (const [k, times] of log) {
          expire(times, since);
          if (times.length === 0) log.delete(k);
        }
      }
      const times = log.get(key) ?? [];
      expire(times, since);
      if (times.length >= o.limit) {
        log.set(key, times);
        return Math.max(1, Math.ceil(((times[0] as number) + o.windowMs - at) / 1000));
      }
      times.push(at);
      log.set(key, times);
      return 0;
    },
  };
}

/** The budget a database calls for: rows in `rate_events` where several processes share
 * it (PostgreSQL), memory where only this process can open it (PGlite). */
export function createRateBudget(
  database: Pick<Database, "db" | "driver">,
  o: Omit<DbRateBudgetOptions, "db">,
): RateBudget {
  return database.driver === "pglite"
    ? createMemoryRateBudget(o)
    : createDbRateBudget({ ...o, db: database.db });
}
