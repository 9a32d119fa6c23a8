// Issue 10 item 4: NUL and unpaired surrogates. Any text in or out is stored and returned
// faithfully or refused with a 4xx; every JSON response is valid Unicode; a result the
// database refuses never makes a job run a second time. Real app, real sandbox, both drivers.
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executions, snippets, users } from "../../src/platform/db/schema/index.js";
import { findBadText, fromJsonb, toJsonb, wellFormed } from "../../src/platform/text.js";
import { DRIVERS } from "../helpers/databases.js";
import { authored, createTestApp, type TestApp } from "../helpers/test-app.js";

/** Every string of a parsed JSON body (keys too) is well-formed Unicode. */
function assertWellFormedJson(body: string): void {
  // The bytes on the wire are strict UTF-8…
  new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(body, "utf8"));
  // …and no \\uXXXX escape in the JSON decodes to an unpaired surrogate.
  expect(findBadText(JSON.parse(body), [])?.reason ?? "ok").not.toMatch(/surrogate/);
}

describe("text codec units", () => {
  it("jsonb codec round-trips NUL anywhere, leaves other strings alone", () => {
    const value = { a: "x\u0000y", b: ["\u0000", "", "plain"], c: { d: "\u0000\u0000" }, n: 1 };
    const stored = toJsonb(value) as { b: unknown[] };
    expect(JSON.stringify(stored)).not.toContain("\\u0000");
    expect(stored.b[2]).toBe("plain");
    expect(fromJsonb(stored)).toEqual(value);
  });
  it("findBadText reports the first bad string in document order, keys before values", () => {
    expect(findBadText({ a: ["ok", { "b\u0000": "x", c: "\ud800" }] })).toEqual({
      path: ["a", 1, "b\u0000"],
      reason: "must not contain NUL (\\u0000) characters",
    });
    expect(findBadText({ a: ["ok", { b: "x", c: "\ud800" }] }, ["body"])?.path).toEqual([
      "body",
      "a",
      1,
      "c",
    ]);
    expect(findBadText([["a"], { k: [1, null, true] }, "z"])).toBeUndefined();
  });
  it("findBadText walks nesting deeper than the call stack (it overflowed: a 500)", () => {
    const depth = 200_000;
    const deep = JSON.parse(`${"[".repeat(depth)}"\\u0000"${"]".repeat(depth)}`);
    const bad = findBadText({ x: deep });
    expect(bad?.path.length).toBe(depth + 1);
    expect(findBadText(JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`))).toBeUndefined();
  });
  it("wellFormed escapes only unpaired surrogates", () => {
    expect(wellFormed("x\udcff")).toBe("x\\udcff");
    expect(wellFormed("\ud800y")).toBe("\\ud800y");
    expect(wellFormed("ok 😀 \ud83d")).toBe("ok 😀 \\ud83d");
    expect(wellFormed("plain")).toBe("plain");
  });
});

describe.each(DRIVERS)("text in and out on %s", (driver) => {
  let t: TestApp;
  let auth: { authorization: string };
  let snippetId = "";
  beforeAll(async () => {
    t = await createTestApp(driver, { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
    auth = (await t.signUp("text")).headers;
    const res = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: auth,
      payload: { code: "x = 1", title: "kept" },
    });
    snippetId = res.json().id;
  });
  afterAll(async () => t?.close());

  const rowCounts = async () => {
    const db = t.testDb.database.db;
    const n = async (table: typeof snippets | typeof users | typeof executions) =>
      (await db.select({ n: count() }).from(table))[0]?.n;
    // Sync events are left out: the background analyser may add one for the kept snippet.
    return [await n(snippets), await n(users), await n(executions)];
  };

  const bad = ["a\u0000b", "x\udcff", "\ud800"];
  const inbound: {
    name: string;
    method: "POST" | "PUT" | "GET";
    url: string;
    payload?: (s: string) => unknown;
    query?: (s: string) => Record<string, string>;
    loc: string[];
  }[] = [
    {
      name: "snippet code",
      method: "POST",
      url: "/snippets",
      payload: (s) => ({ code: s }),
      loc: ["body", "code"],
    },
    {
      name: "snippet title",
      method: "POST",
      url: "/snippets",
      payload: (s) => ({ code: "x", title: s }),
      loc: ["body", "title"],
    },
    {
      name: "snippet description",
      method: "POST",
      url: "/snippets",
      payload: (s) => ({ code: "x", description: s }),
      loc: ["body", "description"],
    },
    {
      name: "snippet update",
      method: "PUT",
      url: "/snippets/{id}",
      payload: (s) => ({ title: s }),
      loc: ["body", "title"],
    },
    {
      name: "a key",
      method: "POST",
      url: "/snippets",
      payload: (s) => ({ code: "x", [s]: 1 }),
      loc: ["body"],
    },
    {
      name: "username",
      method: "POST",
      url: "/auth/register",
      payload: (s) => ({
        email: `nul-${Date.now()}@example.com`,
        password: "long enough pw",
        username: s,
      }),
      loc: ["body", "username"],
    },
    {
      name: "sync code",
      method: "POST",
      url: "/execute",
      payload: (s) => ({ code: `print(1) # ${s}` }),
      loc: ["body", "code"],
    },
    {
      name: "sync stdin",
      method: "POST",
      url: "/execute",
      payload: (s) => ({ code: "print(input())", stdin: s }),
      loc: ["body", "stdin"],
    },
    {
      name: "async code",
      method: "POST",
      url: "/execute/async",
      payload: (s) => ({ code: `print(1) # ${s}` }),
      loc: ["body", "code"],
    },
    {
      name: "async stdin",
      method: "POST",
      url: "/execute/async",
      payload: (s) => ({ code: "print(input())", stdin: s }),
      loc: ["body", "stdin"],
    },
    {
      name: "analysis code",
      method: "POST",
      url: "/analyze",
      payload: (s) => ({ code: `x = 1 # ${s}` }),
      loc: ["body", "code"],
    },
    {
      name: "search query",
      method: "GET",
      url: "/search",
      query: (s) => ({ q: `sort ${s}` }),
      loc: ["query", "q"],
    },
    {
      name: "complexity search",
      method: "GET",
      url: "/search/complexity",
      query: (s) => ({ complexity: `O(n)${s}` }),
      loc: ["query", "complexity"],
    },
  ];

  for (const c of inbound) {
    it(`${c.name}: NUL and unpaired surrogates answer 422 and change nothing`, async () => {
      const before = await rowCounts();
      const snippet = async () =>
        authored(
          (
            await t.app.inject({ method: "GET", url: `/snippets/${snippetId}`, headers: auth })
          ).json(),
        );
      const snippetBefore = await snippet();
      // A query string cannot carry an unpaired surrogate (its UTF-8 is invalid and decodes
      // to U+FFFD, tested below); NUL it can.
      for (const s of c.query ? bad.slice(0, 1) : bad) {
        const res = await t.app.inject({
          method: c.method,
          url: c.url.replace("{id}", snippetId),
          headers: { ...auth, "content-type": "application/json" },
          ...(c.payload ? { payload: JSON.stringify(c.payload(s)) } : {}),
          ...(c.query ? { query: c.query(s) } : {}),
        });
        expect(res.statusCode, `${c.name} ${JSON.stringify(s)}: ${res.body}`).toBe(422);
        expect(res.json()).toMatchObject({ error: "validation_error" });
        expect(res.json().detail[0].loc.slice(0, c.loc.length)).toEqual(c.loc);
        assertWellFormedJson(res.body);
      }
      expect(await rowCounts()).toEqual(before);
      expect(await snippet()).toEqual(snippetBefore);
    });
  }

  // The query-string parser leaves a percent sequence that is not UTF-8 undecoded: the text
  // stays the ASCII it was sent as (not U+FFFD), which is valid Unicode.
  it("invalid UTF-8 in a query string stays its percent-encoded text: a valid Unicode answer", async () => {
    const search = await t.app.inject({
      method: "GET",
      url: "/search?q=sort%ED%B3%BF",
      headers: auth,
    });
    expect(search.statusCode).toBe(200);
    assertWellFormedJson(search.body);
    expect(search.json().query).toBe("sort%ED%B3%BF");
    const complexity = await t.app.inject({
      method: "GET",
      url: "/search/complexity?complexity=O(n)%ED%B3%BF",
      headers: auth,
    });
    expect(complexity.statusCode).toBe(200);
    assertWellFormedJson(complexity.body);
    expect(complexity.json()).toMatchObject({ complexity_type: "time", complexity_value: "O(n)" });
  });

  it("a body nested 10,000 deep answers 4xx on every kind of route, not a 500", async () => {
    // 20 KB of nested arrays overflowed the recursive text check's call stack: 500 on the
    // old code, even on /auth/register and /auth/login, which need no token.
    const deep = (depth: number, leaf = "1") => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;
    for (const [url, body, headers] of [
      ["/auth/register", `{"email":"deep@example.com","password":${deep(10_000)}}`, {}],
      ["/auth/login", `{"email":"deep@example.com","password":${deep(10_000)}}`, {}],
      ["/snippets", `{"code":"x","title":${deep(10_000)}}`, auth],
      ["/snippets", `{"code":"x","title":${deep(100_000)}}`, auth],
    ] as const) {
      const res = await t.app.inject({
        method: "POST",
        url,
        headers: { ...headers, "content-type": "application/json" },
        payload: body,
      });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error).toBe("validation_error");
    }
    // A NUL at the bottom is still found, with its whole path.
    const res = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: { ...auth, "content-type": "application/json" },
      payload: `{"code":"x","title":${deep(10_000, '"a\\u0000"')}}`,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail[0].loc).toHaveLength(2 + 10_000);
    expect(res.json().detail[0].msg).toMatch(/NUL/);
  });

  it("a NUL in the path answers the envelope, not a 500", async () => {
    const res = await t.app.inject({ method: "GET", url: "/snippets/%00", headers: auth });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe("validation_error");
  });

  it("program output with NUL comes back faithfully; an unpaired surrogate in an error is escaped", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/execute",
      headers: auth,
      payload: { code: "print('a\\x00b')\nraise ValueError('x\\udcff')" },
    });
    expect(res.statusCode).toBe(200);
    assertWellFormedJson(res.body);
    const body = res.json();
    expect(body.stdout).toBe("a\u0000b\n");
    expect(body.error_type).toBe("ValueError");
    expect(body.error).toContain("x\\udcff");
  });

  const waitDone = async (jobId: string) => {
    for (let i = 0; i < 300; i++) {
      const res = await t.app.inject({ method: "GET", url: `/executions/${jobId}`, headers: auth });
      const body = res.json() as { status: string };
      if (body.status === "completed" || body.status === "failed") return res;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("job did not finish");
  };
  const attemptsOf = async (jobId: string) =>
    (await t.testDb.database.db.select().from(executions).where(eq(executions.jobId, jobId)))[0]
      ?.attempts;

  it("an async job printing NUL completes once, its output stored and returned faithfully", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers: auth,
      payload: { code: "print('a\\x00b')\nraise ValueError('x\\udcff')" },
    });
    expect(res.statusCode).toBe(202);
    const { job_id } = res.json();
    const done = await waitDone(job_id);
    assertWellFormedJson(done.body);
    expect(done.json()).toMatchObject({
      status: "completed",
      result: { stdout: "a\u0000b\n", error_type: "ValueError" },
    });
    expect(done.json().result.error).toContain("x\\udcff");
    expect(await attemptsOf(job_id)).toBe(1);
  });

  it("a result the database refuses is recorded as a failure, and the job is not run again", async () => {
    const db = t.testDb.database.db;
    // A real storage failure: the database itself refuses this result.
    await db.execute(
      sql.raw(`
      CREATE OR REPLACE FUNCTION refuse_marked_result() RETURNS trigger AS $$
      BEGIN
        IF NEW.result::text LIKE '%REFUSE-THIS-RESULT%' THEN
          RAISE EXCEPTION 'result refused by test trigger';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`),
    );
    await db.execute(
      sql.raw(`CREATE TRIGGER refuse_marked BEFORE UPDATE ON executions
        FOR EACH ROW EXECUTE FUNCTION refuse_marked_result()`),
    );
    try {
      const res = await t.app.inject({
        method: "POST",
        url: "/execute/async",
        headers: auth,
        payload: { code: "print('REFUSE-' + 'THIS-RESULT')" },
      });
      const { job_id } = res.json();
      const done = (await waitDone(job_id)).json();
      expect(done).toMatchObject({ status: "failed", result: { error_type: "StorageError" } });
      expect(await attemptsOf(job_id)).toBe(1);
      // And it stays so: no redelivery runs it again.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await attemptsOf(job_id)).toBe(1);
    } finally {
      await db.execute(sql.raw("DROP TRIGGER refuse_marked ON executions"));
    }
  });
});
