// Users, as in the original data model: identified by the identity provider's `sub`
// (Cognito, or the local issuer), created lazily on first authenticated use.
import { pgTable, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { timestamps } from "./timestamps.js";

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  cognitoSub: varchar("cognito_sub", { length: 255 }).notNull().unique("uq_users_cognito_sub"),
  email: varchar("email", { length: 255 }).notNull().unique("uq_users_email"),
  username: varchar("username", { length: 255 }),
  lastLogin: timestamp("last_login", { withTimezone: true }),
  ...timestamps,
});

export type UserRow = typeof users.$inferSelect;
