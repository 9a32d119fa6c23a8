import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../platform/db/database.js";
import {
  deletedUsers,
  localCredentials,
  snippets,
  syncEvents,
  type UserRow,
  users,
} from "../platform/db/schema/index.js";
import { textColumn } from "../platform/text.js";
import type { Identity } from "./authenticator.js";

export async function findUserBySub(db: DbOrTx, sub: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.cognitoSub, sub)).limit(1);
  return row;
}

/** Insert-or-update by `sub`, touching last_login; one round trip, safe under concurrency. */
export async function upsertUserFromIdentity(db: DbOrTx, given: Identity): Promise<UserRow> {
  // Claims come from the identity provider, not through the request guard: keep them
  // storable (no NUL) and well-formed (issue 10 item 4).
  const identity = {
    ...given,
    email: textColumn(given.email),
    username: given.username === null ? null : textColumn(given.username),
  };
  const [row] = await db
    .insert(users)
    .values({
      cognitoSub: identity.sub,
      email: identity.email,
      username: identity.username,
      lastLogin: sql`now()`,
    })
    .onConflictDoUpdate({
      target: users.cognitoSub,
      set: {
        lastLogin: sql`now()`,
        updatedAt: sql`now()`,
        email: identity.email,
        username: identity.username,
      },
    })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  return row;
}

export async function insertLocalUser(
  db: DbOrTx,
  values: { sub: string; email: string; username: string | null; passwordHash: string },
): Promise<UserRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ cognitoSub: values.sub, email: values.email, username: values.username })
      .onConflictDoNothing()
      .returning();
    if (!row) return undefined;
    await tx.insert(localCredentials).values({ userId: row.id, passwordHash: values.passwordHash });
    return row;
  });
}

export async function findLocalCredentials(
  db: DbOrTx,
  email: string,
): Promise<{ user: UserRow; passwordHash: string } | undefined> {
  const [row] = await db
    .select({ user: users, passwordHash: localCredentials.passwordHash })
    .from(users)
    .innerJoin(localCredentials, eq(localCredentials.userId, users.id))
    .where(eq(users.email, email))
    .limit(1);
  return row;
}

/** When the account of this subject was deleted, if it was. */
export async function findDeletion(db: DbOrTx, sub: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: deletedUsers.deletedAt })
    .from(deletedUsers)
    .where(eq(deletedUsers.cognitoSub, sub))
    .limit(1);
  return row ? new Date(row.at) : undefined;
}

/**
 * Deletes a user and everything they own in one transaction: a `delete` sync event per
 * snippet (the outbox, so every search index drops them), the tombstone that keeps their
 * old tokens out, then the user row — snippets, executions, credentials, connections and
 * search rows go with it by foreign-key cascade. False when there was no such user.
 */
export async function deleteUser(
  db: Db,
  user: Pick<UserRow, "id" | "cognitoSub">,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const owned = await tx
      .select({ id: snippets.id })
      .from(snippets)
      .where(eq(snippets.userId, user.id));
    if (owned.length > 0) {
      await tx
        .insert(syncEvents)
        .values(owned.map((s) => ({ snippetId: s.id, userId: user.id, operation: "delete" })));
    }
    await tx
      .insert(deletedUsers)
      .values({ cognitoSub: user.cognitoSub })
      .onConflictDoUpdate({ target: deletedUsers.cognitoSub, set: { deletedAt: sql`now()` } });
    const gone = await tx.delete(users).where(eq(users.id, user.id)).returning({ id: users.id });
    return gone.length > 0;
  });
}
