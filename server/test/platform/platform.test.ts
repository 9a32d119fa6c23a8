// Cross-cutting behaviour: health, request ids, OpenAPI, error envelopes, log hygiene.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggerOptions } from "../../src/platform/logger.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("platform", () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    // The production logger configuration, writing into memory.
    const logger = pino(loggerOptions("trace"), sink);
    t = await createTestApp("pglite", {}, { logger });
  });
  afterAll(async () => t?.close());

  it("answers /health and /health/ready with each dependency", async () => {
    const h = await t.app.inject({ method: "GET", url: "/health" });
    expect(h.json()).toEqual({
      status: "healthy",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    const r = await t.app.inject({ method: "GET", url: "/health/ready" });
    expect(r.statusCode).toBe(200);
    expect(r.json().dependencies.database).toEqual({ status: "ok", driver: "pglite" });
  });

  it("reports not_ready with 503 when the database is down", async () => {
    const other = await createTestApp("pglite");
    await other.testDb.database.close();
    const r = await other.app.inject({ method: "GET", url: "/health/ready" });
    expect(r.statusCode).toBe(503);
    expect(r.json().status).toBe("not_ready");
    expect(r.json().dependencies.database.status).toBe("down");
    await other.app.close();
  });

  it("echoes a well-formed x-request-id and replaces a malformed one", async () => {
    const a = await t.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "abc-123" },
    });
    expect(a.headers["x-request-id"]).toBe("abc-123");
    const b = await t.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "bad id\n<script>" },
    });
    expect(b.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves an OpenAPI document generated from the schemas, and interactive docs", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(doc.openapi).toBe("3.1.0");
    for (const p of [
      "/health",
      "/auth/login",
      "/snippets",
      "/snippets/{id}",
      "/snippets/{id}/star",
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    const create = doc.paths["/snippets"].post;
    expect(create.requestBody.content["application/json"].schema.required).toEqual(["code"]);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "401", "422"]));
    const docs = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-type"]).toMatch(/html/);
  });

  it("never logs passwords or tokens", async () => {
    const u = await t.signUp("logcheck");
    const token = u.headers.authorization.slice("Bearer ".length);
    await t.app.inject({ method: "GET", url: `/snippets?token=${token}`, headers: u.headers });
    const all = lines.join("");
    expect(all.length).toBeGreaterThan(0);
    expect(all).toContain("request completed");
    expect(all).not.toContain(token);
    expect(all).not.toContain("correct horse battery");
  });
});
