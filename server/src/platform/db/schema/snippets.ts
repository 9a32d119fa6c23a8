// Snippets, as in the original data model, including its starred-first listing index.
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { timestamps } from "./timestamps.js";
import { users } from "./users.js";

export const snippets = pgTable(
  "snippets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 255 }),
    language: varchar("language", { length: 50 }).notNull().default("python"),
    code: text("code").notNull(),
    description: text("description"),
    lastExecutionAt: timestamp("last_execution_at", { withTimezone: true }),
    executionCount: integer("execution_count").notNull().default(0),
    isStarred: boolean("is_starred").notNull().default(false),
    timeComplexity: varchar("time_complexity", { length: 50 }),
    spaceComplexity: varchar("space_complexity", { length: 50 }),
    /** The last analysis's measurement (issue 15: API.md's `measured`), or null. */
    measuredComplexity: jsonb("measured_complexity"),
    ...timestamps,
  },
  (t) => [
    index("ix_snippets_user_id").on(t.userId),
    index("ix_snippets_user_starred_updated").on(
      t.userId,
      sql`${t.isStarred} DESC`,
      sql`${t.updatedAt} DESC`,
    ),
  ],
);

export type SnippetRow = typeof snippets.$inferSelect;
