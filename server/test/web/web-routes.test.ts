// The built UI is served from the API's origin without ever shadowing an API route.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("web UI routes", () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "cr-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>Code Remote</title>");
    writeFileSync(join(dist, "assets", "app-abc123.js"), "console.log(1)");
    t = await createTestApp("pglite", { SERVE_WEB: "true", WEB_DIST_DIR: dist });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const html = { accept: "text/html,application/xhtml+xml" };

  it("serves index.html at / and for client-side routes, never cached", async () => {
    for (const url of ["/", "/snippets-view", "/s/123"]) {
      const res = await t.app.inject({ method: "GET", url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain("<title>Code Remote</title>");
      expect(res.headers["cache-control"]).toBe("no-cache");
    }
  });

  it("caches hashed assets forever", async () => {
    const res = await t.app.inject({ method: "GET", url: "/assets/app-abc123.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-type"]).toMatch(/javascript/);
  });

  it("never shadows API routes or API 404s", async () => {
    const health = await t.app.inject({ method: "GET", url: "/health", headers: html });
    expect(health.json().status).toBe("healthy");
    for (const url of ["/snippets/a/b", "/search/unknown", "/auth/nope"]) {
      const res = await t.app.inject({ method: "GET", url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toBe("not_found");
    }
    const jsonClient = await t.app.inject({
      method: "GET",
      url: "/client/route",
      headers: { accept: "application/json" },
    });
    expect(jsonClient.statusCode).toBe(404);
    const anon = await t.app.inject({ method: "GET", url: "/snippets", headers: html });
    expect(anon.statusCode).toBe(401);
  });
});
