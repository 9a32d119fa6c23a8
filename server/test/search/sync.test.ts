// The outbox sync: writes never depend on the index, nothing is lost while it is down,
// order per snippet holds through retries, and a poison snippet is parked, not retried forever.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { snippets, syncEvents } from "../../src/platform/db/schema/index.js";
import { Neo4jSearchIndex } from "../../src/search/neo4j-search-index.js";
import { OfflineEmbedder } from "../../src/search/offline-embedder.js";
import { backoffMs } from "../../src/search/sync-service.js";
import { createHarness, type Harness, snippetInput as input, SwitchableIndex } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sync while the index is down (postgres index on PGlite)", () => {
  const sw = new SwitchableIndex();
  let h: Harness;
  let user = "";
  beforeAll(async () => {
    h = await createHarness("postgres:pglite", { wrapIndex: (i) => sw.wrap(i) });
    user = await h.newUser();
  });
  afterAll(async () => h?.close());
  afterEach(() => {
    sw.down = false;
  });

  it("keeps writes working and events pending, then applies them all on recovery", async () => {
    sw.down = true;
    const a = await h.snippets.create(user, input("Quick sort", "def quick_sort(xs): return xs"));
    const b = await h.snippets.create(user, input("Heap sort", "def heap_sort(xs): return xs"));
    await h.snippets.update(user, a.id, { title: "Quicksort with a random pivot" });
    await h.snippets.remove(user, b.id);

    const down = await h.sync.drain();
    expect(down).toMatchObject({ applied: 0, failed: 0, deferred: 1 });
    expect(await h.sync.pendingCount()).toBe(4);
    const [first] = await h.testDb.database.db
      .select()
      .from(syncEvents)
      .where(eq(syncEvents.snippetId, a.id))
      .limit(1);
    expect(first).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "connection refused",
    });
    await expect(h.search.search(user, "quick sort", 5)).rejects.toMatchObject({ statusCode: 503 });

    // Many failures while down never park anything as failed.
    for (let i = 0; i < 12; i++) {
      await sleep(45);
      await h.sync.drain();
    }
    expect(await h.sync.pendingCount()).toBe(4);

    sw.down = false;
    await sleep(45);
    const up = await h.sync.drain();
    expect(up.applied).toBe(2);
    expect(await h.sync.pendingCount()).toBe(0);
    const found = await h.search.search(user, "quicksort random pivot", 5);
    expect(found.results.map((r) => r.snippetId)).toEqual([a.id]);
  });

  it("retries with growing delays, capped", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 5000))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it("does not let a later event overtake one that is backing off", async () => {
    const s = await h.snippets.create(user, input("Counting sort", "def counting_sort(xs): pass"));
    sw.down = true;
    await h.sync.drain();
    sw.down = false;
    // A new event for the same snippet arrives during the backoff: neither applies yet.
    await h.snippets.update(user, s.id, { title: "Counting sort v2" });
    await h.testDb.database.db
      .update(syncEvents)
      .set({ availableAt: new Date(Date.now() + 60_000) })
      .where(eq(syncEvents.snippetId, s.id));
    expect((await h.sync.drain()).applied).toBe(0);
    expect(await h.sync.pendingCount()).toBe(2);
    await h.testDb.database.db
      .update(syncEvents)
      .set({ availableAt: new Date(Date.now() - 1) })
      .where(eq(syncEvents.snippetId, s.id));
    expect((await h.sync.drain()).applied).toBe(1);
    const hit = (await h.search.search(user, "counting sort", 5)).results[0];
    expect(hit).toMatchObject({ snippetId: s.id, title: "Counting sort v2" });
  });
});

describe("sync edge cases", () => {
  let h: Harness;
  let user = "";
  let failEmbedding = false;
  let failQuery = false;
  beforeAll(async () => {
    const offline = new OfflineEmbedder();
    h = await createHarness("postgres:pglite", {
      maxAttempts: 2,
      estimateComplexity: async (code) =>
        code.includes("for") ? { time: "O(n)", space: "O(1)" } : null,
      embedder: {
        model: offline.model,
        dimensions: offline.dimensions,
        calibration: offline.calibration,
        embedQuery: async (t) => {
          if (failQuery) throw new Error("quota exceeded");
          return offline.embedQuery(t);
        },
        embedDocuments: async (docs) => {
          if (failEmbedding) throw new Error("embedding exploded");
          return offline.embedDocuments(docs);
        },
      },
    });
    user = await h.newUser();
  });
  afterAll(async () => h?.close());

  it("parks a snippet as failed after repeated failures with the index up", async () => {
    failEmbedding = true;
    try {
      const s = await h.snippets.create(user, input("Broken", "x = 1"));
      expect((await h.sync.drain()).deferred).toBe(1);
      // The retry becomes due after its back-off (20 ms here); a busy machine may need a
      // few looks before the drain sees it due.
      let failed = 0;
      for (let i = 0; i < 200 && failed === 0; i++) {
        await sleep(45);
        failed = (await h.sync.drain()).failed;
      }
      expect(failed).toBe(1);
      const [row] = await h.testDb.database.db
        .select()
        .from(syncEvents)
        .where(eq(syncEvents.snippetId, s.id));
      expect(row).toMatchObject({ status: "failed", attempts: 2, lastError: "embedding exploded" });
    } finally {
      failEmbedding = false;
    }
  });

  it("estimates missing complexity, keeping values a person set", async () => {
    const s = await h.snippets.create(
      user,
      input("Sum", "def total(xs):\n    for x in xs:\n        pass\n"),
    );
    const kept = await h.snippets.create(user, input("Mine", "for x in y: pass"));
    await h.snippets.setComplexity(user, kept.id, "O(n²)", null);
    const eventsOf = async (id: string) =>
      h.testDb.database.db
        .select()
        .from(syncEvents)
        .where(eq(syncEvents.snippetId, id))
        .orderBy(syncEvents.id);
    expect(await eventsOf(s.id)).toHaveLength(1);
    await h.sync.drain();
    const [row] = await h.testDb.database.db.select().from(snippets).where(eq(snippets.id, s.id));
    expect(row).toMatchObject({ timeComplexity: "O(n)", spaceComplexity: "O(1)" });
    // The estimate is a snippet change like any other: it committed its own outbox event
    // (applied by the same drain, in its next batch), and it did not move the snippet's
    // updated_at (it is not a person's edit).
    const events = await eventsOf(s.id);
    expect(events.map((e) => [e.operation, e.status])).toEqual([
      ["upsert", "done"],
      ["upsert", "done"],
    ]);
    expect(row?.updatedAt).toEqual(s.updatedAt);
    // With the Big-O in place, another drain estimates nothing and writes no further event.
    await h.snippets.update(user, s.id, { title: "Sum v2" });
    await h.sync.drain();
    expect((await eventsOf(s.id)).map((e) => e.status)).toEqual(["done", "done", "done"]);
    const linear = await h.search.byComplexity(user, "time", "O(n)", 10);
    expect(linear.hits.map((x) => x.snippetId)).toEqual([s.id]);
    const quad = await h.search.byComplexity(user, "time", "O(n^2)", 10);
    expect(quad.hits).toMatchObject([
      { snippetId: kept.id, timeComplexity: "O(n^2)", spaceComplexity: "O(1)" },
    ]);
  });

  it("rebuilds the index from PostgreSQL with resync", async () => {
    await h.index.clear();
    expect((await h.search.search(user, "sum", 5)).results).toHaveLength(0);
    const n = await h.sync.resync();
    expect(n).toBe(3);
    expect(await h.sync.pendingCount()).toBe(0);
    expect((await h.search.search(user, "sum total", 5)).results.length).toBeGreaterThan(0);
  });

  it("answers with full text alone when the query cannot be embedded", async () => {
    failQuery = true;
    try {
      const r = await h.search.search(user, "sum total", 5);
      expect(r.method_detail).toBe("rules+text:postgres");
      expect(r.results.length).toBeGreaterThan(0);
    } finally {
      failQuery = false;
    }
  });

  it("runs as an in-process loop", async () => {
    h.sync.start(20);
    const s = await h.snippets.create(user, input("Radix sort", "def radix_sort(xs): return xs"));
    for (let i = 0; i < 100 && (await h.sync.pendingCount()) > 0; i++) await sleep(20);
    await h.sync.stop();
    expect((await h.search.search(user, "radix sort", 5)).results[0]?.snippetId).toBe(s.id);
  });
});

describe("sync against an unreachable Neo4j", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("postgres:pglite", {
      wrapIndex: () =>
        Neo4jSearchIndex.connect({ uri: "bolt://127.0.0.1:9", user: "neo4j", password: "x" }),
    });
  });
  afterAll(async () => h?.close());

  it("leaves every event pending", async () => {
    const user = await h.newUser();
    await h.snippets.create(user, input("Shell sort", "def shell_sort(xs): return xs"));
    const r = await h.sync.drain();
    expect(r).toMatchObject({ applied: 0, deferred: 1, failed: 0 });
    expect(await h.sync.pendingCount()).toBe(1);
  });
});

describe("stopping the in-process loop with a backlog", () => {
  let h: Harness;
  let applied = 0;
  beforeAll(async () => {
    h = await createHarness("postgres:pglite", {
      // A slow estimator stands in for a long backlog of analyses. It finds nothing, so
      // the drain records no estimate (which would add outbox events of its own).
      estimateComplexity: async () => {
        await sleep(30);
        applied += 1;
        return null;
      },
    });
  });
  afterAll(async () => h?.close());

  it("ends after the snippet in hand and leaves the rest pending", async () => {
    const user = await h.newUser();
    for (let i = 0; i < 40; i++)
      await h.snippets.create(user, input(`s${i}`, `def f${i}(xs): return xs`));
    h.sync.start(10);
    while (applied < 3) await sleep(10);
    await h.sync.stop();
    const atStop = applied;
    const pending = await h.sync.pendingCount();
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(40);
    await sleep(200);
    expect(applied).toBe(atStop);
    // A manual drain afterwards still applies everything.
    await h.sync.drain();
    expect(await h.sync.pendingCount()).toBe(0);
  });
});
