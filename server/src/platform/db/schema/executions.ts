// One row per execution job (sync or async): its lifecycle, timings and final result.

import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { snippets } from "./snippets.js";
import { users } from "./users.js";

export const executions = pgTable(
  "executions",
  {
    jobId: uuid("job_id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    snippetId: uuid("snippet_id").references(() => snippets.id, { onDelete: "set null" }),
    /** queued | running | completed | failed */
    status: varchar("status", { length: 16 }).notNull().default("queued"),
    codeSha256: varchar("code_sha256", { length: 64 }).notNull(),
    /** The request (code, stdin, timeout) is kept until the job finishes, for retries. */
    request: jsonb("request"),
    result: jsonb("result"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    connectionId: varchar("connection_id", { length: 128 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("ix_executions_user_created").on(t.userId, t.createdAt),
    // The fair-turn check of execution-job-repo.ts (issue 10 item 5): who is waiting or
    // running now, and how many jobs each such user has.
    index("ix_executions_active")
      .on(t.status, t.userId)
      .where(sql`${t.status} in ('queued', 'running')`),
  ],
);

export type ExecutionRow = typeof executions.$inferSelect;
