// Migration 0007 on both drivers: the complexity-filter indexes exist, and the per-user
// index state the caches revalidate by (search_index_state, kept by a trigger) always equals
// the user's document count and highest version — through inserts, upserts, moves between
// users, deletes, a snippet's cascade delete and a clear — with the real adapter writing.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippets, users } from "../../src/platform/db/schema/index.js";
import { PostgresSearchIndex } from "../../src/search/postgres-search-index.js";
import { rows } from "../../src/search/postgres-vector-cache.js";
import type { IndexedSnippet } from "../../src/search/search-index.js";
import { createTestDatabase, DRIVERS, type TestDatabase } from "../helpers/databases.js";

describe.each(DRIVERS)("search index state on %s", (driver) => {
  let t: TestDatabase;
  let index: PostgresSearchIndex;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    index = new PostgresSearchIndex(t.database.db, 4, { rankWithPgvector: false });
    await index.init();
  });
  afterAll(async () => t?.drop());

  const db = () => t.database.db;

  async function newUser(): Promise<string> {
    const sub = randomUUID();
    const [u] = await db()
      .insert(users)
      .values({ cognitoSub: sub, email: `${sub}@t.local` })
      .returning();
    return (u as { id: string }).id;
  }

  async function newDoc(userId: string, title: string): Promise<IndexedSnippet> {
    const [row] = await db()
      .insert(snippets)
      .values({ userId, title, code: "print(1)\n", language: "python" })
      .returning();
    return {
      snippetId: (row as { id: string }).id,
      userId,
      title,
      description: null,
      language: "python",
      timeComplexity: null,
      spaceComplexity: null,
      isStarred: false,
      terms: title,
      lexical: `${title}:1`,
      structure: [],
      embedding: [1, 0, 0, 0],
      embeddingModel: "m",
      updatedAt: new Date(),
    };
  }

  /** The state table against what it stands for, for every user with either. */
  async function expectTracked(): Promise<void> {
    const truth = await rows<{ user_id: string; n: number; v: string }>(
      db(),
      sql`select user_id, count(*)::int as n, max(version)::text as v
          from search_documents group by user_id order by user_id`,
    );
    const state = await rows<{ user_id: string; n: number; v: string }>(
      db(),
      sql`select user_id, documents as n, version::text as v
          from search_index_state order by user_id`,
    );
    const byUser = new Map(state.map((s) => [s.user_id, s]));
    for (const r of truth) {
      expect(byUser.get(r.user_id)?.n).toBe(r.n);
      // The highest version ever written: at least the highest present.
      expect(BigInt(byUser.get(r.user_id)?.v ?? "0") >= BigInt(r.v)).toBe(true);
    }
    for (const s of state) if (!truth.some((r) => r.user_id === s.user_id)) expect(s.n).toBe(0);
  }

  it("has the complexity-filter indexes and the trigger after migrate", async () => {
    const found = await rows<{ name: string }>(
      db(),
      sql`select indexname as name from pg_indexes where tablename = 'search_documents'
          union all select tgname from pg_trigger where tgrelid = 'search_documents'::regclass
            and not tgisinternal
          order by 1`,
    );
    expect(found.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "ix_search_documents_user_time_rank",
        "ix_search_documents_user_space_rank",
        "search_documents_track_state",
      ]),
    );
  });

  it("follows inserts, upserts, moves, deletes, cascades and clear", async () => {
    const a = await newUser();
    const b = await newUser();
    const docs = [await newDoc(a, "one"), await newDoc(a, "two"), await newDoc(b, "three")];
    for (const d of docs) await index.upsert(d);
    await expectTracked();
    const [before] = await rows<{ v: string }>(
      db(),
      sql`select version::text as v from search_index_state where user_id = ${a}`,
    );
    await index.upsert({ ...(docs[0] as IndexedSnippet), title: "one again" });
    const [after] = await rows<{ n: number; v: string }>(
      db(),
      sql`select documents as n, version::text as v from search_index_state where user_id = ${a}`,
    );
    expect(after?.n).toBe(2);
    expect(BigInt(after?.v ?? "0") > BigInt(before?.v ?? "0")).toBe(true);
    await expectTracked();
    // A row moved to another user (not done by the app, but the trigger must not drift).
    await db().execute(
      sql`update search_documents set user_id = ${b} where snippet_id = ${docs[1]?.snippetId}`,
    );
    await expectTracked();
    await index.remove(b, docs[2]?.snippetId as string);
    await expectTracked();
    await db().execute(sql`delete from snippets where id = ${docs[1]?.snippetId}`);
    await expectTracked();
    await index.clear();
    await expectTracked();
    const left = await rows<{ n: number }>(
      db(),
      sql`select coalesce(sum(documents), 0)::int as n from search_index_state`,
    );
    expect(left[0]?.n).toBe(0);
  });

  it("a search sees a write through the state (count and version), not a stale cache", async () => {
    const u = await newUser();
    const first = await newDoc(u, "alpha");
    await index.upsert(first);
    const q = { text: "alpha", order: "relevance" as const };
    const search = (text: string) =>
      index.search(u, {
        query: { ...q, text },
        embedding: null,
        embeddingModel: "m",
        calibration: undefined,
        limit: 5,
      });
    expect((await search("alpha")).hits.map((h) => h.snippetId)).toEqual([first.snippetId]);
    // Another process writes (a second adapter: this one's own invalidation does not apply).
    const other = new PostgresSearchIndex(t.database.db, 4, { rankWithPgvector: false });
    const second = await newDoc(u, "beta");
    await other.upsert(second);
    await new Promise((r) => setTimeout(r, 250));
    expect((await search("beta")).hits.map((h) => h.snippetId)).toEqual([second.snippetId]);
    await other.remove(u, first.snippetId);
    await new Promise((r) => setTimeout(r, 250));
    expect((await search("alpha")).hits).toEqual([]);
  });
});
