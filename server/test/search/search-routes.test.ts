// /search, /search/complexity and /search/similar through the real app: happy paths, bad
// input, and the security cases (auth, other users' ids), on the Postgres and Neo4j indexes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Neo4jForTests, neo4jForTests } from "./neo4j-server.js";

const SORT =
  "def selection_sort(xs):\n    for i in range(len(xs)):\n        m = min(range(i, len(xs)), key=xs.__getitem__)\n        xs[i], xs[m] = xs[m], xs[i]\n    return xs\n";

describe.each(["postgres", "neo4j"] as const)("search routes (%s index)", (kind) => {
  let t: TestApp;
  let neo: Neo4jForTests | undefined;
  let auth: { authorization: string };
  let other: { authorization: string };
  let mine = "";
  let theirs = "";

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (kind === "neo4j") {
      neo = await neo4jForTests();
      env = {
        SEARCH_INDEX: "neo4j",
        NEO4J_URI: neo.uri,
        NEO4J_USER: neo.user,
        NEO4J_PASSWORD: neo.password,
      };
    }
    t = await createTestApp("pglite", env);
    const owner = await t.signUp("owner");
    auth = owner.headers;
    other = (await t.signUp("other")).headers;
    const create = async (headers: Record<string, string>, payload: object) =>
      (await t.app.inject({ method: "POST", url: "/snippets", headers, payload })).json()
        .id as string;
    mine = await create(auth, { title: "Selection sort", code: SORT });
    await create(auth, { title: "Insertion sort", code: SORT.replace(/selection/g, "insertion") });
    theirs = await create(other, { title: "Selection sort", code: SORT });
    // As an analysis would store it, with a model's "²".
    await t.areas.snippets.snippets.setComplexity(owner.id, mine, "O(n²)", "O(1)");
    await t.areas.search.sync.drain();
  });
  afterAll(async () => {
    await t?.close();
    await neo?.release();
  });

  const get = (url: string, headers: Record<string, string> = auth) =>
    t.app.inject({ method: "GET", url, headers });

  it("answers /search in the API shape, saying which path answered", async () => {
    const res = await get("/search?q=selection%20sort&limit=5");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      query: "selection sort",
      method: "semantic",
      method_detail: `rules+hybrid:${kind}`,
    });
    expect(body.total).toBe(body.results.length);
    expect(body.results[0]).toEqual({
      snippet_id: mine,
      title: "Selection sort",
      language: "python",
      description: null,
      time_complexity: "O(n^2)",
      space_complexity: "O(1)",
      score: expect.any(Number),
    });
    expect(body.results.map((r: { snippet_id: string }) => r.snippet_id)).not.toContain(theirs);
  });

  it("answers /search/complexity exactly, with the notation normalised", async () => {
    const res = await get("/search/complexity?complexity=O(n%C2%B2)&type=time");
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ complexity_type: "time", complexity_value: "O(n^2)" });
    // The sync's analyser may have estimated the other sort as quadratic too.
    expect(body.results.map((r: { snippet_id: string }) => r.snippet_id)).toContain(mine);
    for (const r of body.results) expect(r.time_complexity).toBe("O(n^2)");
    expect(body.total).toBe(body.results.length);
    const space = await get("/search/complexity?complexity=O(1)&type=space&limit=1");
    expect(space.json()).toMatchObject({ complexity_type: "space", results: [{}] });
  });

  it("answers /search/similar for the caller's snippet only", async () => {
    const res = await get(`/search/similar/${mine}?limit=3`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.source_snippet_id).toBe(mine);
    expect(body.similar).toHaveLength(1);
    expect(body.similar[0].title).toBe("Insertion sort");
    const stolen = await get(`/search/similar/${theirs}`);
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json().error).toBe("not_found");
  });

  it("gives an unsynced snippet of one's own an empty similar list", async () => {
    // Stopped first: the in-process loop wakes on the commit, and would sync it at once.
    await t.areas.search.sync.stop();
    const fresh = (
      await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: auth,
        payload: { code: "x = 1" },
      })
    ).json().id;
    const res = await get(`/search/similar/${fresh}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ source_snippet_id: fresh, similar: [], total: 0 });
  });

  it("refuses bad input with 422", async () => {
    for (const url of [
      "/search?q=ab",
      `/search?q=${"x".repeat(501)}`,
      "/search?q=sort&limit=0",
      "/search?q=sort&limit=51",
      "/search?q=sort&extra=1",
      "/search/complexity?complexity=O(n)&type=memory",
      "/search/complexity?type=time",
      "/search/similar/not-a-uuid",
      `/search/similar/${mine}?limit=100`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(422);
    }
  });

  it("requires a valid token on every search route", async () => {
    for (const url of [
      "/search?q=sort",
      "/search/complexity?complexity=O(n)",
      `/search/similar/${mine}`,
    ]) {
      for (const headers of [{}, { authorization: "Bearer nope" }] as Record<string, string>[]) {
        const res = await get(url, headers);
        expect(res.statusCode, url).toBe(401);
      }
    }
  });

  it("treats hostile q as text and reports search health", async () => {
    const q = encodeURIComponent("') OR 1=1; MATCH (n) DETACH DELETE n; --");
    const res = await get(`/search?q=${q}`);
    expect(res.statusCode).toBe(200);
    for (const r of res.json().results) expect(r.snippet_id).not.toBe(theirs);
    const again = await get("/search?q=selection%20sort");
    expect(again.json().results[0].snippet_id).toBe(mine);
    const ready = await t.app.inject({ method: "GET", url: "/health/ready" });
    expect(ready.json().dependencies.search).toMatchObject({ status: "ok", index: kind });
  });
});
