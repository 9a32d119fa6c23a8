// Rate budgets shared by every process that uses one database (issue 10 item 6): the
// execution budget (sync and async alike), login per account and per client, sign-up per
// client. An exact sliding window: one row per admitted event in `rate_events`; admission
// is atomic — a transaction-scoped advisory lock per (bucket, key) serialises the
// count-then-insert, so N replicas cannot each admit the last slot.
import { and, count, eq, lt, min, sql } from "drizzle-orm";
import type { Db } from "./db/database.js";
import { rateEvents } from "./db/schema/index.js";

export interface RateBudget {
  /** Records an event for `key`; 0 when admitted, else the whole seconds to wait. */
  take(key: string): Promise<number>;
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

export function createDbRateBudget(o: DbRateBudgetOptions): RateBudget {
  const now = o.now ?? Date.now;
  let calls = 0;
  return {
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
