// The user rows a PGlite server keeps in memory (user-service.ts, cacheRows): a repeated
// request reads no row, yet a deletion refuses the user's token at once (also when a read
// overlapped it), a change of claims is seen at once, last_login is still refreshed once a
// minute — and on PostgreSQL, where other processes write too, the app caches nothing.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "../../src/auth/authenticator.js";
import { createUserService } from "../../src/auth/user-service.js";
import { type UserRow, users } from "../../src/platform/db/schema/index.js";
import { UnauthorizedError } from "../../src/platform/errors.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let n = 0;
const identity = (over: Partial<Identity> = {}): Identity => ({
  sub: `local:user-cache-${++n}`,
  email: `u${n}@example.com`,
  username: null,
  issuedAt: Math.floor(Date.now() / 1000) - 10,
  ...over,
});

describe("user rows cached in memory (PGlite)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("pglite");
  });
  afterAll(async () => t?.drop());
  const service = (now?: () => number) =>
    createUserService({ db: t.database.db, cacheRows: true, now });
  const dbRow = async (sub: string) =>
    (await t.database.db.select().from(users).where(eq(users.cognitoSub, sub)))[0];

  it("answers a repeated resolve from memory, not from the table", async () => {
    const users_ = service();
    const id = identity();
    const first = await users_.resolve(id);
    // Behind the service's back (nothing in the server does this): the row is gone, yet
    // the cached row answers — proof that no read happened.
    await t.database.db.delete(users).where(eq(users.cognitoSub, id.sub));
    expect((await users_.resolve(id)).id).toBe(first.id);
  });

  it("refuses a deleted user's token at once", async () => {
    const users_ = service();
    const id = identity();
    const row = await users_.resolve(id);
    await users_.resolve(id); // cached now
    await users_.remove(row);
    expect(await dbRow(id.sub)).toBeUndefined();
    await expect(users_.resolve(id)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("refuses it too when a read of the row overlapped the deletion", async () => {
    const users_ = service();
    const id = identity();
    const row = await users_.resolve(id);
    const fresh = service(); // its cache is empty: this resolve reads the row…
    const reading = fresh.resolve(id);
    const removing = fresh.remove(row); // …while the user is deleted
    await Promise.allSettled([reading, removing]);
    await expect(fresh.resolve(id)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await dbRow(id.sub)).toBeUndefined();
  });

  it("sees changed claims at once, in the answer and in the table", async () => {
    const users_ = service();
    const id = identity();
    const before = await users_.resolve(id);
    await users_.resolve(id);
    const changed = { ...id, email: `changed-${id.email}`, username: "renamed" };
    const after = await users_.resolve(changed);
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ email: changed.email, username: "renamed" });
    expect(await dbRow(id.sub)).toMatchObject({ email: changed.email, username: "renamed" });
    // The old claims again (an older token): written back, not served from memory.
    expect(await users_.resolve(id)).toMatchObject({ email: id.email, username: null });
  });

  it("still refreshes last_login once a minute", async () => {
    let now = Date.now();
    const users_ = service(() => now);
    const id = identity();
    await users_.resolve(id);
    const written = (await dbRow(id.sub))?.lastLogin;
    await t.database.db
      .update(users)
      .set({ lastLogin: new Date(0) })
      .where(eq(users.cognitoSub, id.sub));
    now += 30_000;
    await users_.resolve(id); // within the minute: from memory, the table untouched
    expect(new Date((await dbRow(id.sub))?.lastLogin ?? 0).getTime()).toBe(0);
    now += 31_000;
    await users_.resolve(id); // a minute after the cached last_login: written again
    expect(new Date((await dbRow(id.sub))?.lastLogin ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date(written ?? 0).getTime(),
    );
  });

  it("hands out rows no caller can change", async () => {
    const row = await service().resolve(identity());
    expect(() => {
      (row as { email: string }).email = "x@example.com";
    }).toThrow(TypeError);
  });
});

describe("user rows on PostgreSQL (shared with other processes)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("postgres");
  });
  afterAll(async () => t?.close());

  it("are read every time: a deletion by another process is seen at once", async () => {
    const alice = await t.signUp("alice");
    const me = () => t.app.inject({ method: "GET", url: "/auth/me", headers: alice.headers });
    expect((await me()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(200);
    // Another process sharing the database deletes the account (its own service).
    const [row] = await t.testDb.database.db.select().from(users).where(eq(users.id, alice.id));
    await createUserService({ db: t.testDb.database.db }).remove(row as UserRow);
    expect((await me()).statusCode).toBe(401);
  });
});
