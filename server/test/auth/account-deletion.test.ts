// Issue 10 item 8: DELETE /auth/me removes the account and everything it owns (through the
// outbox for search), its tokens then answer 401 instead of re-creating the user, and a
// token without `exp` is refused. Asserted on the database rows, not only the responses.
import { and, eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateSecret } from "../../src/auth/local-authenticator.js";
import {
  deletedUsers,
  executions,
  localCredentials,
  searchDocuments,
  snippets,
  syncEvents,
  users,
} from "../../src/platform/db/schema/index.js";
import { DRIVERS } from "../helpers/databases.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe.each(DRIVERS)("account deletion on %s", (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver, { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
  });
  afterAll(async () => t?.close());

  const rowsOf = async (userId: string) => {
    const db = t.testDb.database.db;
    return {
      users: (await db.select().from(users).where(eq(users.id, userId))).length,
      credentials: (
        await db.select().from(localCredentials).where(eq(localCredentials.userId, userId))
      ).length,
      snippets: (await db.select().from(snippets).where(eq(snippets.userId, userId))).length,
      executions: (await db.select().from(executions).where(eq(executions.userId, userId))).length,
      searchDocuments: (
        await db.select().from(searchDocuments).where(eq(searchDocuments.userId, userId))
      ).length,
    };
  };

  it("deletes the user's snippets, executions and search entries; the old token answers 401", async () => {
    const alice = await t.signUp("alice");
    const bob = await t.signUp("bob");
    const db = t.testDb.database.db;
    const created = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: alice.headers,
      payload: { code: "def bubble_sort(a):\n    return sorted(a)", title: "sorting" },
    });
    const snippetId = created.json().id as string;
    const bobs = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: bob.headers,
      payload: { code: "x = 2" },
    });
    expect(bobs.statusCode).toBe(201);
    const job = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers: alice.headers,
      payload: { code: "print(1)", snippet_id: snippetId },
    });
    expect(job.statusCode).toBe(202);
    // The search entry exists before the deletion (the sync drains in the background).
    for (let i = 0; i < 100 && (await rowsOf(alice.id)).searchDocuments === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    const before = await rowsOf(alice.id);
    expect(before).toMatchObject({ users: 1, credentials: 1, snippets: 1, executions: 1 });

    const del = await t.app.inject({ method: "DELETE", url: "/auth/me", headers: alice.headers });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ deleted: true, id: alice.id });

    expect(await rowsOf(alice.id)).toEqual({
      users: 0,
      credentials: 0,
      snippets: 0,
      executions: 0,
      searchDocuments: 0,
    });
    // The outbox carries the deletion to every search index.
    const events = await db
      .select()
      .from(syncEvents)
      .where(and(eq(syncEvents.snippetId, snippetId), eq(syncEvents.operation, "delete")));
    expect(events).toHaveLength(1);
    // Bob is untouched.
    expect((await rowsOf(bob.id)).snippets).toBe(1);

    // The old token: 401 everywhere, and the user is not re-created.
    for (const req of [
      { method: "GET" as const, url: "/auth/me" },
      { method: "GET" as const, url: "/snippets" },
      { method: "POST" as const, url: "/snippets", payload: { code: "x = 1" } },
    ]) {
      const res = await t.app.inject({ ...req, headers: alice.headers });
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(401);
      expect(res.json().error).toBe("unauthorized");
    }
    expect((await db.select().from(users).where(eq(users.email, alice.email))).length).toBe(0);
    expect(
      (await db.select().from(deletedUsers)).some((d) => d.cognitoSub.startsWith("local:")),
    ).toBe(true);

    // The email is free again: a new account, whose token works while the old one stays out.
    const again = await t.app.inject({
      method: "POST",
      url: "/auth/register",
      payload: { email: alice.email, password: "another long password" },
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(alice.id);
    expect(
      (await t.app.inject({ method: "GET", url: "/auth/me", headers: alice.headers })).statusCode,
    ).toBe(401);
  });

  it("requests in flight while the account is deleted answer 401 or 404, never 500, and leave nothing", async () => {
    // They passed authentication before the deletion committed; their inserts then met the
    // foreign key to the deleted user (or snippet). On the old code most of them answered
    // 500 here, on both drivers.
    const carol = await t.signUp("carol");
    const own = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: carol.headers,
      payload: { code: "print(1)" },
    });
    const snippetId = own.json().id as string;
    const inFlight = [
      ...Array.from({ length: 6 }, () => ({
        method: "POST" as const,
        url: "/snippets",
        payload: { code: "x = 1" },
      })),
      ...Array.from({ length: 4 }, () => ({
        method: "POST" as const,
        url: "/execute/async",
        payload: { code: "print(1)", snippet_id: snippetId },
      })),
      { method: "PUT" as const, url: `/snippets/${snippetId}`, payload: { title: "t" } },
    ];
    const [deleted, ...rest] = await Promise.all([
      t.app.inject({ method: "DELETE", url: "/auth/me", headers: carol.headers }),
      ...inFlight.map((req) => t.app.inject({ ...req, headers: carol.headers })),
    ]);
    expect(deleted?.statusCode).toBe(200);
    for (const [i, res] of rest.entries()) {
      const req = inFlight[i];
      expect([201, 202, 200, 401, 404], `${req?.method} ${req?.url}: ${res.body}`).toContain(
        res.statusCode,
      );
      if (res.statusCode === 401) expect(res.json().error).toBe("unauthorized");
    }
    expect(await rowsOf(carol.id)).toEqual({
      users: 0,
      credentials: 0,
      snippets: 0,
      executions: 0,
      searchDocuments: 0,
    });
  });

  it("refuses a correctly signed token without exp, creating nobody", async () => {
    const secret = loadOrCreateSecret(undefined, t.dataDir);
    const sub = `local:no-exp-${driver}`;
    const token = await new SignJWT({ email: `noexp-${driver}@example.com`, username: null })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(sub)
      .setIssuer("code-remote")
      .setAudience("code-remote-api")
      .setIssuedAt()
      .sign(secret);
    const res = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
    const db = t.testDb.database.db;
    expect((await db.select().from(users).where(eq(users.cognitoSub, sub))).length).toBe(0);
    // The same claims with an exp are accepted: the refusal is about exp alone.
    const withExp = await new SignJWT({ email: `noexp-${driver}@example.com`, username: null })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(sub)
      .setIssuer("code-remote")
      .setAudience("code-remote-api")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(secret);
    const ok = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${withExp}` },
    });
    expect(ok.statusCode).toBe(200);
  });

  it("a signed token whose claims hold NUL or an unpaired surrogate creates a storable user", async () => {
    const secret = loadOrCreateSecret(undefined, t.dataDir);
    const token = await new SignJWT({
      email: `odd-${driver}@example.com`,
      username: "a\u0000b\udcff",
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(`local:odd-${driver}`)
      .setIssuer("code-remote")
      .setAudience("code-remote-api")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(secret);
    const res = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().username).toBe("a\\0b\\udcff");
  });
});
