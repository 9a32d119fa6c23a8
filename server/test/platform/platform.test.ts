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

  it("writes one line per request, when it completes: method, path, id, status, duration", async () => {
    const u = await t.signUp("oneline");
    const id = "one-line-per-request-1";
    const res = await t.app.inject({
      method: "GET",
      url: "/snippets?limit=5",
      headers: { ...u.headers, "x-request-id": id },
    });
    expect(res.statusCode).toBe(200);
    const mine = lines
      .flatMap((l) => l.split("\n").filter(Boolean))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.reqId === id);
    // Fastify's default wrote two (`incoming request` and `request completed`).
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30,
      msg: "request completed",
      req: { method: "GET", url: "/snippets", id },
      res: { statusCode: 200 },
    });
    expect(typeof mine[0]?.responseTime).toBe("number");
  });

  it("sends the same security headers on every kind of response", async () => {
    const u = await t.signUp("headers");
    // Helmet's full set for this configuration, as @fastify/helmet sent it before (issue 10
    // item 9); connect-src names this host's WebSocket when the Host header is sane.
    const expected = (connect: string) => ({
      "content-security-policy":
        `default-src 'self';base-uri 'none';connect-src 'self' ${connect};font-src 'self';` +
        "form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';" +
        "script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "referrer-policy": "no-referrer",
      "strict-transport-security": "max-age=31536000; includeSubDomains",
      "x-content-type-options": "nosniff",
      "x-dns-prefetch-control": "off",
      "x-download-options": "noopen",
      "x-frame-options": "DENY",
      "x-permitted-cross-domain-policies": "none",
      "x-xss-protection": "0",
    });
    const cases = [
      { method: "GET", url: "/health", host: "api.example.test:8000", status: 200 },
      { method: "POST", url: "/execute", host: "api.example.test", status: 401 },
      { method: "POST", url: "/execute", host: "a b", status: 422, auth: true },
      { method: "GET", url: "/nope", host: "localhost:80", status: 404 },
    ] as const;
    for (const c of cases) {
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        headers: { host: c.host, ...("auth" in c ? u.headers : {}) },
        ...(c.method === "POST" ? { payload: {} } : {}),
      });
      expect(res.statusCode, c.url).toBe(c.status);
      const connect = /\s/.test(c.host) ? "'self' 'self'" : `ws://${c.host} wss://${c.host}`;
      expect(res.headers, `${c.method} ${c.url}`).toMatchObject(expected(connect));
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
  });
});
