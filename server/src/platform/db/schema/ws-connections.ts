// The API Gateway WebSocket connections (AWS mode): which user each connection belongs to
// and the jobs it follows. The $connect/$disconnect Lambda fills it and every process that
// publishes (API, worker) reads it, so it must outlive a single Lambda invocation.
import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.js";

export const wsConnections = pgTable(
  "ws_connections",
  {
    /** API Gateway's connection id (requestContext.connectionId). */
    connectionId: varchar("connection_id", { length: 128 }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Job ids this connection subscribed to (bounded by the registry). */
    subscriptions: text("subscriptions").array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index("ix_ws_connections_user").on(t.userId)],
);

export type WsConnectionRow = typeof wsConnections.$inferSelect;
