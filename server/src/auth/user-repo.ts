import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../platform/db/database.js";
import { violates } from "../platform/db/pg-error.js";
import {
  deletedUsers,
  localCredentials,
  snippets,
  syncEvents,
  type UserRow,
  users,
  wsConnections,
} from "../platform/db/schema/index.js";
import { textColumn } from "../platform/text.js";
import { type Identity, PLACEHOLDER_EMAIL_DOMAIN, placeholderEmail } from "./authenticator.js";

export async function findUserBySub(db: DbOrTx, sub: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.cognitoSub, sub)).limit(1);
  return row;
}

/** users.email, users.username and users.cognito_sub are varchar(255): characters. */
export const MAX_USER_TEXT = 255;

const characters = (s: string) => Array.from(s).length;

/**
 * The identity as it can be stored (issue 10 item 4): claims come from the identity
 * provider, not through the request guard, so they are made well-formed (no NUL), a username
 * too long for its column is cut, and an email that cannot be this subject's (too long, or
 * another subject's stand-in) is replaced by the subject's own stand-in.
 */
export function storableIdentity(given: Identity): Identity {
  const email = textColumn(given.email);
  const username = given.username === null ? null : textColumn(given.username);
  const standIn = placeholderEmail(given.sub);
  const foreign =
    characters(email) > MAX_USER_TEXT ||
    (email !== standIn && email.toLowerCase().endsWith(`@${PLACEHOLDER_EMAIL_DOMAIN}`));
  return {
    ...given,
    email: foreign ? standIn : email,
    username:
      username === null || characters(username) <= MAX_USER_TEXT
        ? username
        : Array.from(username).slice(0, MAX_USER_TEXT).join(""),
  };
}

/**
 * Insert-or-update by `sub`, touching last_login; one round trip, safe under concurrency.
 * An email another account already holds (users.email is unique: two subjects of a pool may
 * claim the same address, or a re-created Cognito user the address of its old row) is not
 * this user's to take: the row gets the subject's stand-in instead, and the other account
 * keeps its own.
 */
export async function upsertUserFromIdentity(db: DbOrTx, given: Identity): Promise<UserRow> {
  const identity = storableIdentity(given);
  try {
    return await upsertUser(db, identity);
  } catch (err) {
    const standIn = placeholderEmail(identity.sub);
    if (identity.email === standIn || !violates(err, "23505", "uq_users_email")) throw err;
    return upsertUser(db, { ...identity, email: standIn });
  }
}

async function upsertUser(db: DbOrTx, identity: Identity): Promise<UserRow> {
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
 * search rows go with it by foreign-key cascade. `deleted` is false when there was no such
 * user; `connections` are the API Gateway WebSocket connections the account had, read
 * before their rows went, so that they can be closed.
 */
export async function deleteUser(
  db: Db,
  user: Pick<UserRow, "id" | "cognitoSub">,
): Promise<{ deleted: boolean; connections: string[] }> {
  return db.transaction(async (tx) => {
    const connections = await tx
      .select({ id: wsConnections.connectionId })
      .from(wsConnections)
      .where(eq(wsConnections.userId, user.id));
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
    return { deleted: gone.length > 0, connections: connections.map((c) => c.id) };
  });
}
