import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../platform/db/database.js";
import { localCredentials, type UserRow, users } from "../platform/db/schema/index.js";
import type { Identity } from "./authenticator.js";

/** Insert-or-update by `sub`, touching last_login; one round trip, safe under concurrency. */
export async function upsertUserFromIdentity(db: DbOrTx, identity: Identity): Promise<UserRow> {
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
