// Password hashes for local accounts live beside `users`, not in it, so the users table
// stays the original's shape and Cognito users simply have no row here.
import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamps } from "./timestamps.js";
import { users } from "./users.js";

export const localCredentials = pgTable("local_credentials", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  passwordHash: text("password_hash").notNull(),
  ...timestamps,
});
