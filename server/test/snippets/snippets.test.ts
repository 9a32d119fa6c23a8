// The snippets API through the real app, once on PGlite and once on PostgreSQL.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncEvents } from "../../src/platform/db/schema/index.js";
import { DRIVERS } from "../helpers/databases.js";
import { authored, createTestApp, type TestApp } from "../helpers/test-app.js";

describe.each(DRIVERS)("snippets API on %s", (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // The outbox as the write path leaves it: no in-process sync, which (woken by each
    // commit) would mark events done and add its own when it estimates a Big-O.
    t = await createTestApp(driver, { RUN_SYNC_IN_PROCESS: "false" });
  });
  afterAll(async () => t?.close());

  const eventsFor = async (snippetId: string) =>
    (
      await t.testDb.database.db
        .select()
        .from(syncEvents)
        .where(sql`${syncEvents.snippetId} = ${snippetId}`)
        .orderBy(syncEvents.id)
    ).map((e) => e.operation);

  it("creates, reads, updates, stars and deletes a snippet, writing one sync event per change", async () => {
    const u = await t.signUp();
    const created = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: u.headers,
      payload: { code: "print('hi')", title: "Greeting", description: "says hi" },
    });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({
      title: "Greeting",
      language: "python",
      code: "print('hi')",
      description: "says hi",
      is_starred: false,
      execution_count: 0,
      last_execution_at: null,
      time_complexity: null,
      space_complexity: null,
    });
    expect(Date.parse(s.created_at)).not.toBeNaN();
    expect(await eventsFor(s.id)).toEqual(["upsert"]);

    const got = await t.app.inject({ method: "GET", url: `/snippets/${s.id}`, headers: u.headers });
    expect(authored(got.json())).toEqual(authored(s));

    const updated = await t.app.inject({
      method: "PUT",
      url: `/snippets/${s.id}`,
      headers: u.headers,
      payload: { title: "Renamed" },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      title: "Renamed",
      code: "print('hi')",
      description: "says hi",
    });
    expect(Date.parse(updated.json().updated_at)).toBeGreaterThanOrEqual(Date.parse(s.updated_at));

    const starred = await t.app.inject({
      method: "POST",
      url: `/snippets/${s.id}/star`,
      headers: u.headers,
    });
    expect(starred.json().is_starred).toBe(true);
    const unstarred = await t.app.inject({
      method: "POST",
      url: `/snippets/${s.id}/star`,
      headers: u.headers,
    });
    expect(unstarred.json().is_starred).toBe(false);

    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/snippets/${s.id}`,
      headers: u.headers,
    });
    expect(deleted.json()).toEqual({ deleted: true, id: s.id });
    const gone = await t.app.inject({
      method: "GET",
      url: `/snippets/${s.id}`,
      headers: u.headers,
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ error: "not_found", message: "Snippet not found" });
    expect(await eventsFor(s.id)).toEqual(["upsert", "upsert", "upsert", "upsert", "delete"]);
  });

  it("lists summaries without code, starred first then newest, with limit, offset and total", async () => {
    const u = await t.signUp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: u.headers,
        payload: { code: `x = ${i}`, title: `s${i}` },
      });
      ids.push(r.json().id);
    }
    await t.app.inject({ method: "POST", url: `/snippets/${ids[1]}/star`, headers: u.headers });

    const all = await t.app.inject({ method: "GET", url: "/snippets", headers: u.headers });
    const body = all.json();
    expect(body.total).toBe(5);
    expect(body.limit).toBe(50);
    expect(body.offset).toBe(0);
    expect(body.items.map((i: { title: string }) => i.title)).toEqual([
      "s1",
      "s4",
      "s3",
      "s2",
      "s0",
    ]);
    for (const item of body.items) expect(item).not.toHaveProperty("code");

    const page = await t.app.inject({
      method: "GET",
      url: "/snippets?limit=2&offset=1",
      headers: u.headers,
    });
    expect(page.json().items.map((i: { title: string }) => i.title)).toEqual(["s4", "s3"]);
    expect(page.json().total).toBe(5);

    const pastEnd = await t.app.inject({
      method: "GET",
      url: "/snippets?offset=10",
      headers: u.headers,
    });
    expect(pastEnd.json()).toMatchObject({ items: [], total: 5, offset: 10 });

    const onlyStarred = await t.app.inject({
      method: "GET",
      url: "/snippets?starred=true",
      headers: u.headers,
    });
    expect(onlyStarred.json().items.map((i: { title: string }) => i.title)).toEqual(["s1"]);
    expect(onlyStarred.json().total).toBe(1);
  });

  it("creates a user lazily and answers /auth/me", async () => {
    const u = await t.signUp("me");
    const me = await t.app.inject({ method: "GET", url: "/auth/me", headers: u.headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ id: u.id, email: u.email, username: null });
  });

  it("rolls the snippet back when its sync event cannot be written (one transaction)", async () => {
    const u = await t.signUp();
    const db = t.testDb.database.db;
    const before = await t.app.inject({ method: "GET", url: "/snippets", headers: u.headers });
    await db.execute(
      sql`ALTER TABLE sync_events ADD CONSTRAINT block_writes CHECK (false) NOT VALID`,
    );
    try {
      const r = await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: u.headers,
        payload: { code: "x=1" },
      });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({
        error: "internal_error",
        message: "Internal server error",
        request_id: r.headers["x-request-id"],
      });
      expect(r.body).not.toContain("block_writes");
    } finally {
      await db.execute(sql`ALTER TABLE sync_events DROP CONSTRAINT block_writes`);
    }
    const after = await t.app.inject({ method: "GET", url: "/snippets", headers: u.headers });
    expect(after.json().total).toBe(before.json().total);
  });
});
