// The rate budget's two stores: rows in rate_events where processes share a database
// (PostgreSQL), memory where one process owns it (PGlite). Same window, same answers.
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateEvents } from "../../src/platform/db/schema/index.js";
import {
  createDbRateBudget,
  createMemoryRateBudget,
  createRateBudget,
  type RateBudget,
} from "../../src/platform/rate-budget.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";

let pglite: TestDatabase;
let postgres: TestDatabase;
beforeAll(async () => {
  pglite = await createTestDatabase("pglite");
  postgres = await createTestDatabase("postgres");
});
afterAll(async () => {
  await pglite?.drop();
  await postgres?.drop();
});

const rows = async (t: TestDatabase) =>
  (await t.database.db.select({ n: count() }).from(rateEvents))[0]?.n;

describe.each([
  ["memory", (now: () => number) => createMemoryRateBudget({ limit: 2, windowMs: 60_000, now })],
  [
    "rows (postgres)",
    (now: () => number) =>
      createDbRateBudget({
        db: postgres.database.db,
        bucket: "t",
        limit: 2,
        windowMs: 60_000,
        now,
      }),
  ],
] as const)("rate budget in %s", (_, make) => {
  it("admits `limit` per key in any window, tells the wait, and admits again once it passed", async () => {
    let now = 1_000_000_000;
    const b: RateBudget = make(() => now);
    const key = `k-${Math.random()}`;
    expect(await b.take(key)).toBe(0);
    now += 10_000;
    expect(await b.take(key)).toBe(0);
    now += 5_000;
    expect(await b.take(key)).toBe(45); // the first event leaves the window in 45 s
    expect(await b.take(`${key}-other`)).toBe(0); // keys apart
    now += 45_001;
    expect(await b.take(key)).toBe(0); // the first left; the refused one never counted
    expect(await b.take(key)).toBe(10);
  });
});

describe("rows: admitted", () => {
  it("tells whether a key has an event in the window, and records nothing", async () => {
    let now = 2_000_000_000;
    const b = createDbRateBudget({
      db: postgres.database.db,
      bucket: "admitted",
      limit: 1,
      windowMs: 60_000,
      now: () => now,
    });
    const key = `k-${Math.random()}`;
    expect(await b.admitted(key)).toBe(false);
    expect(await b.admitted(key)).toBe(false); // asking recorded nothing
    expect(await b.take(key)).toBe(0);
    expect(await b.admitted(key)).toBe(true);
    expect(await b.admitted(`${key}-other`)).toBe(false);
    now += 60_001;
    expect(await b.admitted(key)).toBe(false); // left the window
  });
});

describe.each(["pglite", "postgres"] as const)("rows (%s): the window and the prune", (driver) => {
  it("never counts a row that left the window, and deletes the bucket's such rows every 500 takes", async () => {
    const t = driver === "pglite" ? pglite : postgres;
    let now = 1_000_000_000;
    const bucket = `prune-${Math.random().toString(36).slice(2, 10)}`;
    const b = createDbRateBudget({
      db: t.database.db,
      bucket,
      limit: 1,
      windowMs: 60_000,
      now: () => now,
    });
    const inBucket = async () =>
      (
        await t.database.db
          .select({ n: count() })
          .from(rateEvents)
          .where(eq(rateEvents.bucket, bucket))
      )[0]?.n;
    for (let i = 0; i < 10; i++) expect(await b.take(`k${i}`)).toBe(0);
    expect(await b.take("k0")).toBe(60); // full for a minute
    now += 60_001;
    // Their rows are still there, but out of the window: the same keys are admitted again.
    for (let i = 0; i < 10; i++) expect(await b.take(`k${i}`)).toBe(0);
    expect(await inBucket()).toBe(20);
    for (let i = 21; i < 499; i++) expect(await b.take(`n${i}`)).toBe(0); // takes 22-499
    expect(await inBucket()).toBe(498);
    expect(await b.take("last")).toBe(0); // the 500th: the ten old rows go, one comes
    expect(await inBucket()).toBe(489);
  });
});

describe("createRateBudget", () => {
  it("keeps PGlite's budget in memory (no rows) and PostgreSQL's in rate_events", async () => {
    const o = { bucket: "pick", limit: 1, windowMs: 60_000 };
    const before = await rows(pglite);
    const local = createRateBudget(pglite.database, o);
    expect(await local.take("u")).toBe(0);
    expect(await local.take("u")).toBeGreaterThan(0);
    expect(await rows(pglite)).toBe(before);

    const shared = createRateBudget(postgres.database, o);
    const second = createRateBudget(postgres.database, o); // another replica's budget
    expect(await shared.take("u")).toBe(0);
    expect(await second.take("u")).toBeGreaterThan(0);
    expect(await rows(postgres)).toBeGreaterThanOrEqual(1);
  });

  it("a limit of 0 turns either off", async () => {
    for (const db of [pglite, postgres]) {
      const off = createRateBudget(db.database, { bucket: "off", limit: 0, windowMs: 60_000 });
      for (let i = 0; i < 5; i++) expect(await off.take("u")).toBe(0);
    }
  });
});
