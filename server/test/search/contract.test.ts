// One search contract, three stores: PostgreSQL on PGlite, on the machine's PostgreSQL, and
// the real Neo4j. Each runs the same cases through the sync and the search service.
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippets as snippetsTable, syncEvents } from "../../src/platform/db/schema/index.js";
import { NotFoundError } from "../../src/platform/errors.js";
import { rows } from "../../src/search/postgres-vector-cache.js";
import { CORPUS } from "./corpus.js";
import { createHarness, type Harness, INDEX_TARGETS } from "./harness.js";

describe.each(INDEX_TARGETS)("search contract on %s", (target) => {
  let h: Harness;
  let alice = "";
  let bob = "";
  const ids = new Map<string, string>();
  const bobIds = new Set<string>();
  const id = (key: string) => ids.get(key) as string;

  beforeAll(async () => {
    h = await createHarness(target);
    alice = await h.newUser();
    bob = await h.newUser();
    for (const s of CORPUS) {
      const row = await h.snippets.create(alice, {
        code: s.code,
        title: s.title,
        description: s.description ?? null,
        language: s.language ?? "python",
        isStarred: s.starred ?? false,
      });
      if (s.time || s.space) await h.snippets.setComplexity(alice, row.id, s.time, s.space);
      ids.set(s.key, row.id);
      // Bob owns an identical copy of everything: none of it may ever reach Alice.
      const copy = await h.snippets.create(bob, {
        code: s.code,
        title: s.title,
        description: s.description ?? null,
        language: s.language ?? "python",
      });
      await h.snippets.setComplexity(bob, copy.id, s.time, s.space);
      bobIds.add(copy.id);
    }
    const drained = await h.sync.drain();
    expect(drained.applied).toBe(CORPUS.length * 2);
  });
  afterAll(async () => h?.close());

  const search = async (q: string, limit = 5) => {
    const r = await h.search.search(alice, q, limit);
    for (const hit of r.results) expect(bobIds.has(hit.snippetId)).toBe(false);
    return r;
  };
  const keysOf = (hits: { snippetId: string }[]) =>
    hits.map((x) => [...ids].find(([, v]) => v === x.snippetId)?.[0]);

  it("finds snippets by meaning, sorting ones first for 'sorting algorithms'", async () => {
    const r = await search("sorting algorithms");
    expect(r.method_detail).toBe(`rules+hybrid:${h.index.kind}`);
    expect(r.method).toBe("semantic");
    expect(new Set(keysOf(r.results).slice(0, 3))).toEqual(
      new Set(["bubble", "insertion", "merge"]),
    );
    for (const hit of r.results) expect(hit.score).toBeGreaterThan(0);
  });

  it("applies exact and ranged complexity filters", async () => {
    const quadratic = await search("my O(n^2) code", 10);
    expect(quadratic.method_detail).toBe(`rules+filter:${h.index.kind}`);
    expect(quadratic.method).toBe(h.index.kind === "neo4j" ? "cypher" : "semantic");
    expect(new Set(keysOf(quadratic.results))).toEqual(new Set(["bubble", "insertion"]));
    // Starred first among filter-only results.
    expect(keysOf(quadratic.results)[0]).toBe("insertion");

    const worse = await search("code worse than O(n)", 10);
    expect(new Set(keysOf(worse.results))).toEqual(
      new Set(["bubble", "insertion", "merge", "fib"]),
    );

    // Both searches are efficient; both lead, ahead of everything else.
    const efficient = await search("efficient python searching");
    expect(new Set(keysOf(efficient.results).slice(0, 2))).toEqual(new Set(["binary", "linear"]));
    for (const k of keysOf(efficient.results))
      expect(["bubble", "insertion", "fib"]).not.toContain(k);

    const space = await search("sorting with O(1) space", 10);
    expect(new Set(keysOf(space.results))).toEqual(new Set(["bubble", "insertion"]));
  });

  it("orders by complexity: slowest and fastest", async () => {
    expect(keysOf((await search("my slowest code")).results)[0]).toBe("fib");
    expect(keysOf((await search("fastest code")).results)[0]).toBe("parity");
    const sorts = keysOf((await search("fastest sorting code", 3)).results);
    expect(sorts[0]).toBe("merge");
  });

  it("filters by language and by star", async () => {
    const js = await search("javascript code", 10);
    expect(keysOf(js.results)).toEqual(["js-sum"]);
    const starred = await search("my starred snippets", 10);
    expect(keysOf(starred.results)).toEqual(["insertion"]);
  });

  it("answers exact complexity lookups, normalising the notation", async () => {
    const linear = await h.search.byComplexity(alice, "time", "O(N)", 20);
    expect(new Set(keysOf(linear.hits))).toEqual(new Set(["linear", "js-sum"]));
    expect(linear.total).toBe(2);
    const spaceN = await h.search.byComplexity(alice, "space", "o(n)", 1);
    expect(spaceN.hits).toHaveLength(1);
    expect(spaceN.total).toBe(2);
    const none = await h.search.byComplexity(alice, "time", "O(n^3)", 20);
    expect(none).toEqual({ hits: [], total: 0 });
  });

  it("finds similar snippets among the caller's own only", async () => {
    const similar = await h.search.similar(alice, id("bubble"), 3);
    const keys = keysOf(similar);
    expect(keys).not.toContain("bubble");
    expect(new Set(keys.slice(0, 2))).toEqual(new Set(["insertion", "merge"]));
    for (const s of similar) expect(bobIds.has(s.snippetId)).toBe(false);
    await expect(h.search.similar(bob, id("bubble"), 3)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      h.search.similar(alice, "00000000-0000-4000-8000-000000000000", 3),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("never shows another user's snippets, even identical ones", async () => {
    for (const q of [
      "bubble sort",
      "binary search",
      "my O(n^2) code",
      "fibonacci",
      "my slowest code",
    ]) {
      const r = await h.search.search(bob, q, 50);
      for (const hit of r.results) expect([...ids.values()]).not.toContain(hit.snippetId);
      expect(r.results.length).toBeGreaterThan(0);
    }
    const c = await h.search.byComplexity(bob, "time", "O(n^2)", 50);
    expect(c.hits.length).toBeGreaterThan(0); // bob's own quadratic sorts: the loop checks something
    for (const hit of c.hits) expect(bobIds.has(hit.snippetId)).toBe(true);
  });

  // Only Neo4j has an approximate (HNSW) path to compare; the other stores are exact.
  if (target === "neo4j") {
    it("gives the same leaders through the HNSW index", async () => {
      const { Neo4jSearchIndex } = await import("../../src/search/neo4j-search-index.js");
      const { createSearchService } = await import("../../src/search/search-service.js");
      const { rulesUnderstander } = await import("../../src/search/query-rules.js");
      const ann = Neo4jSearchIndex.connect(h.neo4j as NonNullable<Harness["neo4j"]>, {
        dimensions: h.embedder.dimensions,
        exactVectorLimit: 0,
      });
      try {
        const viaAnn = createSearchService({
          index: ann,
          embedder: h.embedder,
          understander: rulesUnderstander,
          snippets: h.snippets,
        });
        const r = await viaAnn.search(alice, "sorting algorithms", 5);
        for (const hit of r.results) expect(bobIds.has(hit.snippetId)).toBe(false);
        expect(new Set(keysOf(r.results).slice(0, 3))).toEqual(
          new Set(["bubble", "insertion", "merge"]),
        );
      } finally {
        await ann.close();
      }
    });
  }

  if (target !== "neo4j") {
    // The same expectations above ran on pgvector (PGlite ships it) and on exact cosine in
    // process (this machine's PostgreSQL has no pgvector): same results either way.
    it("ranks with pgvector exactly where the extension exists", async () => {
      const db = h.testDb.database.db;
      const [ext] = await rows<{ ok: boolean }>(
        db,
        sql`select exists(select 1 from pg_available_extensions where name = 'vector') as ok`,
      );
      const [col] = await rows<{ ok: boolean }>(
        db,
        sql`select exists(select 1 from information_schema.columns
            where table_name = 'search_documents' and column_name = 'embedding_vector') as ok`,
      );
      if (target === "postgres:pglite") expect(ext?.ok).toBe(true);
      expect(col?.ok).toBe(ext?.ok);
    });
  }

  it("treats injection attempts in q as plain text", async () => {
    const db = h.testDb.database.db;
    const before = await db.select({ n: count() }).from(snippetsTable);
    const attacks = [
      "'; DROP TABLE snippets; --",
      "x' OR '1'='1",
      "sort | !search & (a:* <-> b)",
      "MATCH (n) DETACH DELETE n //",
      "}) RETURN 1 UNION MATCH (s:Snippet) RETURN s.id AS id //",
      'title:* OR *:* AND NOT ~fuzzy^10 \\" [a TO z]',
      "$userId {userId: 'x'} $" + "{sql}",
    ];
    for (const q of attacks) {
      const r = await search(q, 50);
      for (const hit of r.results) expect([...ids.values()]).toContain(hit.snippetId);
    }
    const after = await db.select({ n: count() }).from(snippetsTable);
    expect(after).toEqual(before);
    expect((await h.search.search(alice, "bubble sort", 5)).results.length).toBeGreaterThan(0);
  });

  it("applies updates and deletes from the outbox, idempotently", async () => {
    const extra = await h.snippets.create(alice, {
      code: "def tower_of_hanoi(n, a, b, c):\n    if n:\n        tower_of_hanoi(n - 1, a, c, b)\n        tower_of_hanoi(n - 1, c, b, a)\n",
      title: "Hanoi",
      description: null,
      language: "python",
      isStarred: false,
    });
    await h.snippets.update(alice, extra.id, { title: "Tower of Hanoi puzzle" });
    await h.snippets.toggleStar(alice, extra.id);
    expect((await h.sync.drain()).applied).toBe(1); // three events, one snippet, one write
    expect((await h.sync.drain()).applied).toBe(0);
    const found = await search("tower of hanoi puzzle");
    expect(found.results[0]?.snippetId).toBe(extra.id);
    expect((await search("starred", 10)).results.map((r) => r.snippetId)).toContain(extra.id);

    await h.snippets.remove(alice, extra.id);
    await h.sync.drain();
    expect((await search("tower of hanoi puzzle")).results.map((r) => r.snippetId)).not.toContain(
      extra.id,
    );
    await h.index.remove(alice, extra.id); // removing again is fine
    const [pending] = await h.testDb.database.db
      .select({ n: count() })
      .from(syncEvents)
      .where((await import("drizzle-orm")).eq(syncEvents.status, "pending"));
    expect(pending?.n).toBe(0);
  });
});
