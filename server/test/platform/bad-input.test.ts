// Bad input anywhere gets a documented 4xx and writes nothing.
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippets, syncEvents } from "../../src/platform/db/schema/index.js";
import { DRIVERS } from "../helpers/databases.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe.each(DRIVERS)("bad input on %s", (driver) => {
  let t: TestApp;
  let auth: { authorization: string };
  let existingId = "";
  beforeAll(async () => {
    // No search sync in the background: its Big-O estimate writes an outbox event of its
    // own at any moment, which would move the counts these cases compare.
    t = await createTestApp(driver, { RUN_SYNC_IN_PROCESS: "false" });
    const u = await t.signUp();
    auth = u.headers;
    existingId = (
      await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: auth,
        payload: { code: "x = 1" },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const rowCounts = async () => {
    const db = t.testDb.database.db;
    const [s] = await db.select({ n: count() }).from(snippets);
    const [e] = await db.select({ n: count() }).from(syncEvents);
    return [s?.n, e?.n];
  };

  const cases: {
    name: string;
    method: "POST" | "PUT" | "GET";
    url: () => string;
    payload?: unknown;
    raw?: string | Buffer;
    contentType?: string;
    status: number;
    error: string;
    loc?: string[];
  }[] = [
    {
      name: "malformed JSON",
      method: "POST",
      url: () => "/snippets",
      raw: '{"code": "x',
      status: 400,
      error: "bad_request",
    },
    // Invalid UTF-8 was decoded with replacement and stored as U+FFFD on the old code (201).
    {
      name: "invalid UTF-8 in the body (a 0xFF byte)",
      method: "POST",
      url: () => "/snippets",
      raw: Buffer.concat([Buffer.from('{"code":"a'), Buffer.from([0xff]), Buffer.from('b"}')]),
      status: 400,
      error: "bad_request",
    },
    {
      name: "the UTF-8 bytes of a lone surrogate in the body",
      method: "PUT",
      url: () => `/snippets/${existingId}`,
      raw: Buffer.concat([
        Buffer.from('{"title":"a'),
        Buffer.from([0xed, 0xb3, 0xbf]),
        Buffer.from('"}'),
      ]),
      status: 400,
      error: "bad_request",
    },
    {
      name: "a Latin-1 body labelled as such",
      method: "POST",
      url: () => "/snippets",
      raw: Buffer.from('{"code":"print(\'café\')"}', "latin1"),
      contentType: "application/json; charset=iso-8859-1",
      status: 400,
      error: "bad_request",
    },
    {
      name: "wrong content type",
      method: "POST",
      url: () => "/snippets",
      raw: "code=x",
      contentType: "text/plain",
      status: 400,
      error: "bad_request",
    },
    {
      name: "missing code",
      method: "POST",
      url: () => "/snippets",
      payload: { title: "t" },
      status: 422,
      error: "validation_error",
      loc: ["body", "code"],
    },
    {
      name: "empty code",
      method: "POST",
      url: () => "/snippets",
      payload: { code: "" },
      status: 422,
      error: "validation_error",
      loc: ["body", "code"],
    },
    {
      name: "wrong type",
      method: "POST",
      url: () => "/snippets",
      payload: { code: 42 },
      status: 422,
      error: "validation_error",
      loc: ["body", "code"],
    },
    {
      name: "wrong boolean type",
      method: "POST",
      url: () => "/snippets",
      payload: { code: "x", is_starred: "yes" },
      status: 422,
      error: "validation_error",
      loc: ["body", "is_starred"],
    },
    {
      name: "oversized title",
      method: "POST",
      url: () => "/snippets",
      payload: { code: "x", title: "t".repeat(256) },
      status: 422,
      error: "validation_error",
      loc: ["body", "title"],
    },
    {
      name: "oversized code",
      method: "POST",
      url: () => "/snippets",
      payload: { code: "x".repeat(100_001) },
      status: 422,
      error: "validation_error",
      loc: ["body", "code"],
    },
    {
      name: "unknown field",
      method: "POST",
      url: () => "/snippets",
      payload: { code: "x", owner: "someone" },
      status: 422,
      error: "validation_error",
    },
    {
      name: "body over the size limit",
      method: "POST",
      url: () => "/snippets",
      raw: JSON.stringify({ code: "x".repeat(1_100_000) }),
      status: 413,
      error: "payload_too_large",
    },
    {
      name: "empty update",
      method: "PUT",
      url: () => `/snippets/${existingId}`,
      payload: {},
      status: 422,
      error: "validation_error",
    },
    {
      name: "update with unknown field",
      method: "PUT",
      url: () => `/snippets/${existingId}`,
      payload: { user_id: existingId },
      status: 422,
      error: "validation_error",
    },
    {
      name: "malformed UUID",
      method: "GET",
      url: () => "/snippets/not-a-uuid",
      status: 422,
      error: "validation_error",
      loc: ["params", "id"],
    },
    {
      name: "malformed UUID on update",
      method: "PUT",
      url: () => "/snippets/1234",
      payload: { title: "x" },
      status: 422,
      error: "validation_error",
      loc: ["params", "id"],
    },
    {
      name: "negative limit",
      method: "GET",
      url: () => "/snippets?limit=-1",
      status: 422,
      error: "validation_error",
      loc: ["querystring", "limit"],
    },
    {
      name: "huge limit",
      method: "GET",
      url: () => "/snippets?limit=100000",
      status: 422,
      error: "validation_error",
      loc: ["querystring", "limit"],
    },
    {
      name: "negative offset",
      method: "GET",
      url: () => "/snippets?offset=-5",
      status: 422,
      error: "validation_error",
      loc: ["querystring", "offset"],
    },
    {
      name: "huge offset",
      method: "GET",
      url: () => "/snippets?offset=99999999999",
      status: 422,
      error: "validation_error",
      loc: ["querystring", "offset"],
    },
    {
      name: "non-numeric limit",
      method: "GET",
      url: () => "/snippets?limit=ten",
      status: 422,
      error: "validation_error",
      loc: ["querystring", "limit"],
    },
    {
      name: "bad starred filter",
      method: "GET",
      url: () => "/snippets?starred=maybe",
      status: 422,
      error: "validation_error",
      loc: ["querystring", "starred"],
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.error}, nothing written`, async () => {
      const before = await rowCounts();
      const res = await t.app.inject({
        method: c.method,
        url: c.url(),
        headers: {
          ...auth,
          ...(c.raw !== undefined || c.contentType
            ? { "content-type": c.contentType ?? "application/json" }
            : {}),
        },
        ...(c.raw !== undefined
          ? { payload: c.raw }
          : c.payload !== undefined
            ? { payload: c.payload as object }
            : {}),
      });
      expect(res.statusCode).toBe(c.status);
      const body = res.json();
      expect(body.error).toBe(c.error);
      expect(typeof body.message).toBe("string");
      expect(body.message.length).toBeGreaterThan(0);
      if (c.status === 422) expect(Array.isArray(body.detail)).toBe(true);
      if (c.loc) expect(body.detail[0].loc).toEqual(c.loc);
      expect(res.headers["x-request-id"]).toBeTruthy();
      expect(await rowCounts()).toEqual(before);
    });
  }

  it("reads a UTF-8 body as before: charset=utf-8 in any case, a leading BOM, any script", async () => {
    for (const [contentType, bytes] of [
      ["application/json; charset=UTF-8", Buffer.from('{"code":"print(\'café ☕ 😀\')"}')],
      ["application/json; charset=utf8", Buffer.from('{"code":"print(\'café ☕ 😀\')"}')],
      [
        "application/json",
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from('{"code":"print(\'café ☕ 😀\')"}'),
        ]),
      ],
    ] as const) {
      const res = await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: { ...auth, "content-type": contentType },
        payload: bytes,
      });
      expect(res.statusCode, contentType).toBe(201);
      expect(res.json().code).toBe("print('café ☕ 😀')");
    }
    const poisoned = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: { ...auth, "content-type": "application/json" },
      payload: '{"code":"x","__proto__":{"polluted":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
  });

  it("register rejects a bad email and a short password with field locations", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/auth/register",
      payload: { email: "nope", password: "short" },
    });
    expect(bad.statusCode).toBe(422);
    const locs = bad.json().detail.map((d: { loc: string[] }) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.email", "body.password"]));
  });

  it("an unknown route answers 404 in the error envelope", async () => {
    const res = await t.app.inject({ method: "GET", url: "/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe("not_found");
  });
});
