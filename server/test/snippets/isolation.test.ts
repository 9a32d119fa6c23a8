// Two users: neither can list, read, update, delete or star the other's snippets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRIVERS } from "../helpers/databases.js";
import { authored, createTestApp, type TestApp } from "../helpers/test-app.js";

describe.each(DRIVERS)("user isolation on %s", (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver);
  });
  afterAll(async () => t?.close());

  it("another user's snippet answers 404 everywhere and stays unchanged", async () => {
    const alice = await t.signUp("alice");
    const bob = await t.signUp("bob");
    const s = (
      await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: alice.headers,
        payload: { code: "secret = 1", title: "mine" },
      })
    ).json();

    const list = await t.app.inject({ method: "GET", url: "/snippets", headers: bob.headers });
    expect(list.json()).toMatchObject({ items: [], total: 0 });

    const attempts = [
      { method: "GET" as const, url: `/snippets/${s.id}` },
      { method: "PUT" as const, url: `/snippets/${s.id}`, payload: { title: "stolen" } },
      { method: "POST" as const, url: `/snippets/${s.id}/star` },
      { method: "DELETE" as const, url: `/snippets/${s.id}` },
    ];
    for (const a of attempts) {
      const res = await t.app.inject({ ...a, headers: bob.headers });
      expect(res.statusCode, `${a.method} ${a.url}`).toBe(404);
      expect(res.json()).toEqual({ error: "not_found", message: "Snippet not found" });
    }

    const still = await t.app.inject({
      method: "GET",
      url: `/snippets/${s.id}`,
      headers: alice.headers,
    });
    expect(authored(still.json())).toEqual(authored(s));
  });

  it("every snippet route refuses a request without a valid token", async () => {
    const routes = [
      { method: "GET" as const, url: "/snippets" },
      { method: "POST" as const, url: "/snippets", payload: { code: "x" } },
      { method: "GET" as const, url: "/snippets/00000000-0000-4000-8000-000000000000" },
      {
        method: "PUT" as const,
        url: "/snippets/00000000-0000-4000-8000-000000000000",
        payload: { title: "x" },
      },
      { method: "DELETE" as const, url: "/snippets/00000000-0000-4000-8000-000000000000" },
      { method: "POST" as const, url: "/snippets/00000000-0000-4000-8000-000000000000/star" },
      { method: "GET" as const, url: "/auth/me" },
    ];
    for (const r of routes) {
      for (const headers of [
        {},
        { authorization: "Bearer nonsense" },
        { authorization: "Basic abc" },
      ]) {
        const res = await t.app.inject({ ...r, headers });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
        expect(res.json().error).toBe("unauthorized");
      }
    }
  });
});
