// The in-process sync loop (sync.start): a commit to the outbox wakes it (LISTEN/NOTIFY
// from the sync_events trigger, on PGlite and on PostgreSQL, from any connection), an idle
// outbox is looked at with a back-off instead of a fixed 250 ms poll, a deferred snippet
// is retried when its back-off ends, and stop() does not wait for an idle wait to pass.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/database.js";
import { syncEvents } from "../../src/platform/db/schema/index.js";
import { createSnippetService } from "../../src/snippets/snippet-service.js";
import { DRIVERS } from "../helpers/databases.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { createHarness, type Harness, snippetInput as input, SwitchableIndex } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longer than any test runs: a loop waiting this long never looks at the outbox by itself. */
const NEVER_MS = 600_000;

/** Resolves when `cond` holds; throws after `ms` (a generous bound on a loaded machine, not
 * a speed claim: the old loop fails these by never getting there within its 10 minutes). */
async function until(cond: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe.each(DRIVERS)("the sync loop on %s", (driver) => {
  const sw = new SwitchableIndex();
  let h: Harness;
  let user = "";
  beforeAll(async () => {
    h = await createHarness(driver === "postgres" ? "postgres:postgres" : "postgres:pglite", {
      wrapIndex: (i) => sw.wrap(i),
      // Idle looks never come within a test: only a wake or a due retry makes it drain.
      sync: { idleMinMs: NEVER_MS, baseDelayMs: 300, maxDelayMs: 300 },
    });
    user = await h.newUser();
  });
  afterAll(async () => h?.close());
  afterEach(async () => {
    await h.sync.stop();
    sw.down = false;
  });
  const synced = async () => (await h.sync.pendingCount()) === 0;
  const found = async (q: string) => (await h.search.search(user, q, 5)).results[0]?.snippetId;

  it("indexes a change when it commits, not at the next idle look", async () => {
    h.sync.start(NEVER_MS);
    const a = await h.snippets.create(user, input("Bucket sort", "def bucket_sort(xs): pass"));
    await until(synced, "the first snippet to sync");
    // Now idle (its next look is ten minutes away): each further change wakes it.
    const b = await h.snippets.create(user, input("Gnome sort", "def gnome_sort(xs): pass"));
    await until(synced, "a change to sync while the loop is idle");
    await h.snippets.update(user, a.id, { title: "Bucket sort with insertion sort buckets" });
    await until(synced, "an update to sync");
    expect(await found("gnome sort")).toBe(b.id);
    expect(await found("bucket sort insertion buckets")).toBe(a.id);
  });

  it("wakes for a change committed by another connection (process)", async () => {
    h.sync.start(NEVER_MS);
    await until(synced, "the loop to settle");
    // A second pool (PostgreSQL) or the same instance (PGlite, which one process owns).
    const other =
      driver === "postgres"
        ? await openDatabase({ databaseUrl: h.testDb.url, dataDir: "memory://", poolSize: 1 })
        : undefined;
    try {
      const writer = createSnippetService({ db: (other ?? h.testDb.database).db });
      const s = await writer.create(user, input("Cocktail sort", "def cocktail_sort(xs): pass"));
      await until(synced, "another writer's change to sync");
      expect(await found("cocktail sort")).toBe(s.id);
    } finally {
      await other?.close();
    }
  });

  it("retries a deferred snippet when its back-off ends", async () => {
    h.sync.start(NEVER_MS);
    await until(synced, "the loop to settle");
    sw.down = true;
    const s = await h.snippets.create(user, input("Pancake sort", "def pancake_sort(xs): pass"));
    const attempts = async () =>
      (
        await h.testDb.database.db
          .select({ attempts: syncEvents.attempts })
          .from(syncEvents)
          .where(eq(syncEvents.snippetId, s.id))
      )[0]?.attempts ?? 0;
    await until(async () => (await attempts()) >= 1, "the first attempt to fail");
    sw.down = false;
    // No write and no idle look comes: only the due retry (300 ms later) applies it.
    await until(synced, "the retry");
    expect(await found("pancake sort")).toBe(s.id);
    const [row] = await h.testDb.database.db
      .select()
      .from(syncEvents)
      .where(eq(syncEvents.snippetId, s.id));
    expect(row?.status).toBe("done");
    expect(row?.attempts).toBeGreaterThanOrEqual(1);
  });

  it("stops at once while waiting, and stops listening", async () => {
    h.sync.start(NEVER_MS);
    await until(synced, "the loop to settle");
    const outcome = await Promise.race([
      h.sync.stop().then(() => "stopped"),
      sleep(10_000).then(() => "still waiting"),
    ]);
    expect(outcome).toBe("stopped");
    // No wake after stop: a change stays pending for the next drainer.
    await h.snippets.create(user, input("Stooge sort", "def stooge_sort(xs): pass"));
    await sleep(300);
    expect(await h.sync.pendingCount()).toBe(1);
    // The LISTEN connection went back to the pool (PostgreSQL).
    const pool = h.testDb.database.pool;
    if (pool) expect(pool.totalCount - pool.idleCount).toBe(0);
    await h.sync.drain();
  });
});

/** Counts the queries that name the outbox, at the driver, under the app's own wiring. */
function countOutboxQueries(t: TestApp): () => number {
  let n = 0;
  const names = (q: unknown) =>
    (typeof q === "string" ? q : ((q as { text?: string })?.text ?? "")).includes("sync_events");
  const target = (t.testDb.database.pool ?? t.testDb.database.pglite) as unknown as {
    query: (...args: unknown[]) => unknown;
  };
  const original = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    if (names(args[0])) n += 1;
    return original(...args);
  };
  return () => n;
}

describe.each(DRIVERS)("an idle app's sync on %s", (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver);
  });
  afterAll(async () => t?.close());

  it("looks at the outbox far less often than every 250 ms", async () => {
    const count = countOutboxQueries(t);
    // Settle past the first looks after start, then count over a window in which the old
    // loop (a fixed 250 ms poll) would have queried the outbox 12 times.
    await sleep(1_800);
    const before = count();
    await sleep(3_000);
    const looks = count() - before;
    expect(looks).toBeLessThanOrEqual(4);
    // And the wiring still syncs a write at once.
    const user = await t.signUp("idle");
    const res = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: user.headers,
      payload: { title: "Odd-even sort", code: "def odd_even_sort(xs): pass" },
    });
    expect(res.statusCode).toBe(201);
    await until(
      async () => (await t.areas.search.sync.pendingCount()) === 0,
      "the app's sync to apply a write",
    );
  });
});
