// Issue 10 item 6: one execution budget per user across sync, async and every process
// (two apps on one PostgreSQL database stand for two replicas), atomic under concurrency;
// login throttled per account and per client; sign-up per client; each 429 with
// Retry-After. The budget is checked on the database rows it writes.
import { and, count, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadSettings } from "../../src/platform/config.js";
import { executions, rateEvents, users } from "../../src/platform/db/schema/index.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const LIMIT = 4;

describe("one execution budget across sync, async and two processes (postgres)", () => {
  let t: TestApp;
  let second: FastifyInstance;
  beforeAll(async () => {
    t = await createTestApp("postgres", { EXECUTION_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    // A second replica: its own app and its own connection pool on the same database.
    second = await buildApp(
      loadSettings({
        ENVIRONMENT: "test",
        LOG_LEVEL: "silent",
        DATA_DIR: t.dataDir,
        SERVE_WEB: "false",
        SANDBOX_POOL_SIZE: "1",
        SANDBOX_UID_BASE: String(Number(t.settings.execution.uidBase) + 128),
        DATABASE_URL: t.testDb.url as string,
        EXECUTION_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      }),
      { logger: pino({ level: "silent" }) },
    );
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const budgetRows = async (userId: string) =>
    (
      await t.testDb.database.db
        .select({ n: count() })
        .from(rateEvents)
        .where(and(eq(rateEvents.bucket, "execution"), eq(rateEvents.key, userId)))
    )[0]?.n;

  it("sync and async on either replica draw from one budget; the next answers 429 with Retry-After", async () => {
    const u = await t.signUp("budget");
    const sync = (app: FastifyInstance) =>
      app.inject({
        method: "POST",
        url: "/execute",
        headers: u.headers,
        payload: { code: "print(1)" },
      });
    const async_ = (app: FastifyInstance) =>
      app.inject({
        method: "POST",
        url: "/execute/async",
        headers: u.headers,
        payload: { code: "print(1)" },
      });
    expect((await sync(t.app)).statusCode).toBe(200);
    expect((await async_(second)).statusCode).toBe(202);
    expect((await sync(second)).statusCode).toBe(200);
    expect((await async_(t.app)).statusCode).toBe(202);
    for (const refused of [await sync(t.app), await async_(second), await sync(second)]) {
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toBe("rate_limited");
      const wait = Number(refused.headers["retry-after"]);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    }
    expect(await budgetRows(u.id)).toBe(LIMIT);
    const jobs = await t.testDb.database.db
      .select({ n: count() })
      .from(executions)
      .where(eq(executions.userId, u.id));
    expect(jobs[0]?.n).toBe(2); // the refused async submission stored nothing
  });

  it("is atomic: a concurrent burst at both replicas admits exactly the limit", async () => {
    const u = await t.signUp("burst");
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? t.app : second).inject({
          method: "POST",
          url: "/execute/async",
          headers: u.headers,
          payload: { code: "print(1)" },
        }),
      ),
    );
    const codes = burst.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 202)).toHaveLength(LIMIT);
    expect(codes.filter((c) => c === 429)).toHaveLength(12 - LIMIT);
    expect(await budgetRows(u.id)).toBe(LIMIT);
  });
});

describe("login and sign-up throttles (pglite)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite", {
      LOGIN_RATE_LIMIT_PER_ACCOUNT: "5",
      LOGIN_RATE_LIMIT_PER_CLIENT: "8",
      SIGNUP_RATE_LIMIT_PER_CLIENT: "3",
    });
  });
  afterAll(async () => t?.close());

  const register = (email: string, ip: string) =>
    t.app.inject({
      method: "POST",
      url: "/auth/register",
      remoteAddress: ip,
      payload: { email, password: "correct horse battery" },
    });
  const login = (email: string, password: string, ip: string) =>
    t.app.inject({
      method: "POST",
      url: "/auth/login",
      remoteAddress: ip,
      payload: { email, password },
    });
  const userCount = async () =>
    (await t.testDb.database.db.select({ n: count() }).from(users))[0]?.n;

  it("sign-up: per client address; the refused one creates nobody", async () => {
    for (let i = 0; i < 3; i++)
      expect((await register(`s${i}@example.com`, "10.0.0.1")).statusCode).toBe(201);
    const before = await userCount();
    const refused = await register("s3@example.com", "10.0.0.1");
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(60);
    expect(await userCount()).toBe(before);
    // Another client is not affected.
    expect((await register("s3@example.com", "10.0.0.2")).statusCode).toBe(201);
  });

  it("login: wrong guesses use up the account's budget; then even the right password is refused", async () => {
    const email = "s0@example.com";
    for (let i = 0; i < 5; i++)
      expect((await login(email, `wrong-${i}-password`, `10.1.0.${i}`)).statusCode).toBe(401);
    const refused = await login(email, "correct horse battery", "10.1.0.99");
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: "rate_limited" });
    expect(refused.json().access_token).toBeUndefined();
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(60);
    // Another account still signs in.
    expect((await login("s1@example.com", "correct horse battery", "10.1.0.99")).statusCode).toBe(
      200,
    );
  });

  it("login: an address the account signed in from before still signs in when others have used the account's budget up", async () => {
    const email = "s4@example.com";
    expect((await register(email, "10.3.0.50")).statusCode).toBe(201);
    const home = "10.3.0.1";
    expect((await login(email, "correct horse battery", home)).statusCode).toBe(200);
    // Guesses from four other addresses spend the rest of the account's budget (5 here,
    // the owner's first sign-in was one).
    for (let i = 0; i < 4; i++)
      expect((await login(email, `wrong-${i}-password`, `10.3.0.${10 + i}`)).statusCode).toBe(401);
    expect((await login(email, "correct horse battery", "10.3.0.99")).statusCode).toBe(429);
    // The owner's address is not locked out…
    expect((await login(email, "correct horse battery", home)).statusCode).toBe(200);
    // …and guesses from it are throttled on a budget of their own (one used just above).
    for (let i = 0; i < 4; i++)
      expect((await login(email, `wrong-${i}-password`, home)).statusCode).toBe(401);
    const refused = await login(email, "correct horse battery", home);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().access_token).toBeUndefined();
    // A wrong password makes no address known.
    const guesser = "10.3.0.10";
    expect((await login(email, "correct horse battery", guesser)).statusCode).toBe(429);
  });

  it("login: one client spraying many accounts is throttled per address", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 10; i++)
      codes.push(
        (await login(`nobody-${i}@example.com`, "whatever-password", "10.2.0.1")).statusCode,
      );
    expect(codes.slice(0, 8).every((c) => c === 401)).toBe(true);
    expect(codes.slice(8)).toEqual([429, 429]);
    // A different address may still try.
    expect((await login("s2@example.com", "correct horse battery", "10.2.0.2")).statusCode).toBe(
      200,
    );
  });
});
