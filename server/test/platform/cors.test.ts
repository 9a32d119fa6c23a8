// CORS: a client on a listed origin passes the browser's preflight; any other origin gets
// no CORS headers (the browser's refusal); without CORS_ORIGINS the API stays same-origin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadSettings } from "../../src/platform/config.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const CLIENT = "http://localhost:5173";
const OTHER = "https://evil.example";

const preflight = (origin: string, url = "/execute", method = "POST") => ({
  method: "OPTIONS" as const,
  url,
  headers: {
    origin,
    "access-control-request-method": method,
    "access-control-request-headers": "authorization,content-type",
  },
});

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadSettings(env);
    return "";
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join("\n");
    throw err;
  }
};

describe("CORS with listed origins", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite", { CORS_ORIGINS: `${CLIENT}, https://app.example.com` });
  });
  afterAll(async () => t?.close());

  it("answers a listed origin's preflight for every API method with Authorization and Content-Type", async () => {
    for (const [url, method] of [
      ["/execute", "POST"],
      ["/snippets/00000000-0000-4000-8000-000000000000", "PUT"],
      ["/snippets/00000000-0000-4000-8000-000000000000", "DELETE"],
      ["/search?q=sorting", "GET"],
    ] as const) {
      const res = await t.app.inject(preflight(CLIENT, url, method));
      expect(res.statusCode).toBe(204);
      expect(res.headers["access-control-allow-origin"]).toBe(CLIENT);
      expect(res.headers["access-control-allow-credentials"]).toBe("true");
      expect(String(res.headers["access-control-allow-methods"]).split(/, */)).toContain(method);
      const headers = String(res.headers["access-control-allow-headers"]).toLowerCase();
      expect(headers).toContain("authorization");
      expect(headers).toContain("content-type");
      expect(res.headers["access-control-max-age"]).toBe("600");
      expect(String(res.headers.vary)).toMatch(/origin/i);
    }
  });

  it("gives an unlisted origin no CORS headers, on the preflight and on the request", async () => {
    const pre = await t.app.inject(preflight(OTHER));
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    expect(pre.headers["access-control-allow-credentials"]).toBeUndefined();
    // A look-alike of a listed origin is just another origin.
    const lookalike = await t.app.inject(preflight(`${CLIENT}.evil.example`));
    expect(lookalike.headers["access-control-allow-origin"]).toBeUndefined();
    const get = await t.app.inject({ method: "GET", url: "/health", headers: { origin: OTHER } });
    expect(get.statusCode).toBe(200);
    expect(get.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("marks a listed origin's real request readable, errors included, and exposes the request id", async () => {
    const user = await t.signUp("cors");
    const ok = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { ...user.headers, origin: CLIENT },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe(CLIENT);
    expect(String(ok.headers["access-control-expose-headers"]).toLowerCase()).toContain(
      "x-request-id",
    );
    // A 401 must be readable too, or the client cannot tell "sign in again" from a network error.
    const denied = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { origin: CLIENT },
    });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers["access-control-allow-origin"]).toBe(CLIENT);
  });
});

describe("CORS with * (development)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite", { CORS_ORIGINS: "*" });
  });
  afterAll(async () => t?.close());

  it("allows any origin literally and never with credentials", async () => {
    const res = await t.app.inject(preflight(OTHER));
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });
});

describe("CORS without CORS_ORIGINS", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite");
  });
  afterAll(async () => t?.close());

  it("stays same-origin: no preflight route and no CORS headers", async () => {
    const pre = await t.app.inject(preflight(CLIENT));
    expect(pre.statusCode).toBe(404);
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    const get = await t.app.inject({ method: "GET", url: "/health", headers: { origin: CLIENT } });
    expect(get.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("CORS settings", () => {
  it("accepts origins and normalises the list", () => {
    expect(
      loadSettings({ CORS_ORIGINS: " https://a.example , http://localhost:5173" }).corsOrigins,
    ).toEqual(["https://a.example", "http://localhost:5173"]);
    expect(loadSettings({}).corsOrigins).toEqual([]);
  });

  it("refuses what a browser never sends as an origin", () => {
    for (const bad of [
      "https://a.example/",
      "https://a.example/app",
      "a.example",
      "ftp://a.example",
      "https://a.example?x=1",
    ]) {
      expect(problemsOf({ CORS_ORIGINS: bad }), bad).toMatch(/^CORS_ORIGINS/);
    }
  });

  it("refuses * in production and * mixed with origins", () => {
    const prod = { ENVIRONMENT: "production", JWT_SECRET: "x".repeat(40) };
    expect(problemsOf({ ...prod, CORS_ORIGINS: "*" })).toMatch(
      /CORS_ORIGINS=\*: not allowed in production/,
    );
    expect(problemsOf({ ...prod, CORS_ORIGINS: "https://a.example" })).toBe("");
    expect(problemsOf({ CORS_ORIGINS: "*,https://a.example" })).toMatch(/stands alone/);
  });
});
