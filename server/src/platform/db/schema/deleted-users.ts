// Tombstones of deleted accounts (DELETE /auth/me). Users are created lazily from token
// claims, so without this a token issued before the deletion would re-create the account;
// a token of this subject issued at or before `deleted_at` is refused instead.
import { sql } from "drizzle-orm";
import { pgTable, timestamp, varchar } from "drizzle-orm/pg-core";

export const deletedUsers = pgTable("deleted_users", {
  cognitoSub: varchar("cognito_sub", { length: 255 }).primaryKey(),
  deletedAt: timestamp("deleted_at", { withTimezone: true }).notNull().default(sql`now()`),
});
