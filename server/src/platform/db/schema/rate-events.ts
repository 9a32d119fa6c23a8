// The shared rate-limit log (platform/rate-budget.ts): one row per admitted event, so a
// budget holds across every process using this database. Old rows are pruned on use.
import { bigserial, index, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";

export const rateEvents = pgTable(
  "rate_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Which budget: execution, login-account, login-client, signup-client… */
    bucket: varchar("bucket", { length: 32 }).notNull(),
    /** Whose: a user id, an email, a client address. */
    key: varchar("key", { length: 320 }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("ix_rate_events_bucket_key_at").on(t.bucket, t.key, t.at)],
);
