// The outbox: every snippet change writes a row here in the same transaction, so the
// search index can never miss a change. The sync processor drains it in id order.
import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

export const syncEvents = pgTable(
  "sync_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** No foreign key: a delete event must outlive its snippet. */
    snippetId: uuid("snippet_id").notNull(),
    userId: uuid("user_id").notNull(),
    /** upsert | delete */
    operation: varchar("operation", { length: 16 }).notNull(),
    /** pending | done | failed */
    status: varchar("status", { length: 16 }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    availableAt: timestamp("available_at", { withTimezone: true }).notNull().default(sql`now()`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    index("ix_sync_events_pending").on(t.status, t.id),
    index("ix_sync_events_snippet").on(t.snippetId, t.id),
  ],
);

export type SyncEventRow = typeof syncEvents.$inferSelect;
