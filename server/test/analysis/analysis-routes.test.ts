// /analyze, /analyze/async and /analyze/status through the real app: the offline analyser
// runs in the real sandbox, results persist to the snippet with a sync event, and the stream
// reaches only the caller's WebSocket connection, in order.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncEvents } from "../../src/platform/db/schema/index.js";
import { defaultAnswer, type GeminiFixture, startGeminiServer } from "../fixtures/gemini-server.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Msg, sleep, TestWsClient } from "../jobs/ws-client.js";

const QUADRATIC = `def pairs(items):
    out = []
    for a in items:
        for b in items:
            out.append((a, b))
    return out
`;

const COUNT_PAIRS = `def count_pairs(items):
    c = 0
    for a in items:
        for b in items:
            if a < b:
                c += 1
    return c
`;

type User = Awaited<ReturnType<TestApp["signUp"]>>;
const tokenOf = (u: User) => u.headers.authorization.slice("Bearer ".length);

describe("analysis routes (offline analyser)", () => {
  let t: TestApp;
  let base: string;
  let alice: User;
  let bob: User;
  beforeAll(async () => {
    // No in-process search sync: woken by each commit, it would estimate a new snippet's
    // Big-O and write an outbox event of its own, racing the analysis stored here.
    t = await createTestApp("pglite", {
      ANALYSIS_RATE_LIMIT_PER_MINUTE: "1000",
      RUN_SYNC_IN_PROCESS: "false",
    });
    base = await t.app.listen({ host: "127.0.0.1", port: 0 });
    alice = await t.signUp("alice");
    bob = await t.signUp("bob");
  });
  afterAll(async () => t?.close());

  it("reports the static provider without a key", async () => {
    const res = await t.app.inject({ method: "GET", url: "/analyze/status" });
    expect(res.json()).toEqual({ available: true, provider: "static" });
  });

  it("analyses code and explains why", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: alice.headers,
      payload: { code: QUADRATIC },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      success: true,
      time_complexity: "O(n^2)",
      space_complexity: "O(n^2)",
      available: true,
      error: null,
    });
    expect(body.narrative).toMatch(/Time Complexity/);
    expect(body.narrative).toMatch(/Line 4: loop `for b in items`/);
    // measured in the sandbox at growing sizes, agreeing with the reading
    expect(body.method).toBe("static+measured");
    expect(body.measured).toMatchObject({ time_complexity: "O(n^2)", reason: null });
    expect(body.measured.entry).toMatch(/^pairs\(items: list\[int\]/);
    expect(body.measured.points.length).toBeGreaterThanOrEqual(4);
    expect(body.narrative).toMatch(/## Measured/);
  });

  it("answers a module-level loop over a free variable as O(n), measured", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: alice.headers,
      payload: { code: "for i in range(n):\n    print(i)\n" },
    });
    const body = res.json();
    expect(body.time_complexity).toBe("O(n)");
    expect(body.measured.time_complexity).toBe("O(n)");
    expect(body.measured.entry).toMatch(/free variable n/);
  });

  it("stores the result on the caller's snippet with a sync event, and refuses another's snippet", async () => {
    const s = (
      await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: alice.headers,
        payload: { code: QUADRATIC },
      })
    ).json();
    const res = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: alice.headers,
      payload: { code: QUADRATIC, snippet_id: s.id },
    });
    expect(res.statusCode).toBe(200);
    const stored = (
      await t.app.inject({ method: "GET", url: `/snippets/${s.id}`, headers: alice.headers })
    ).json();
    expect(stored).toMatchObject({ time_complexity: "O(n^2)", space_complexity: "O(n^2)" });
    expect(stored.measured_complexity).toMatchObject({ time_complexity: "O(n^2)" });
    expect(stored.measured_complexity.points.length).toBeGreaterThanOrEqual(4);
    const events = await t.testDb.database.db
      .select()
      .from(syncEvents)
      .where(sql`${syncEvents.snippetId} = ${s.id}`);
    // Created, then the analysis stored on it (its static and its measured result, in one
    // change). A third came only when the in-process sync estimated the Big-O first.
    expect(events.length).toBe(2);

    const stolen = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: bob.headers,
      payload: { code: "x = 1", snippet_id: s.id },
    });
    expect(stolen.statusCode).toBe(404);
    const still = (
      await t.app.inject({ method: "GET", url: `/snippets/${s.id}`, headers: alice.headers })
    ).json();
    expect(still.time_complexity).toBe("O(n^2)");
  });

  it("answers 413 over the code limit, 422 for bad bodies, 401 without a token", async () => {
    const big = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: alice.headers,
      payload: { code: "x".repeat(10_241) },
    });
    expect(big.statusCode).toBe(413);
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/analyze",
          headers: alice.headers,
          payload: { code: "" },
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/analyze",
          headers: alice.headers,
          payload: { code: "x", snippet_id: "nope" },
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (await t.app.inject({ method: "POST", url: "/analyze", payload: { code: "x" } })).statusCode,
    ).toBe(401);
  });

  it("never hangs or fails with a 500 on hostile input", async () => {
    const nested = `${"(".repeat(5000)}1${")".repeat(5000)}`;
    // Each answer in the API shape: a named syntax error, or an estimate for code that parses
    // (a loop that never ends is analysed, not run).
    const cases: [string, RegExp | null][] = [
      [nested, /^Syntax error at line 1: too many nested parentheses/],
      ["def f(:\n", /^Syntax error at line 1: invalid syntax/],
      ["\u0001\u0002", /^Syntax error at line 1: invalid non-printable character U\+0001/],
      ["while True: pass", null],
    ];
    for (const [code, error] of cases) {
      const res = await t.app.inject({
        method: "POST",
        url: "/analyze",
        headers: alice.headers,
        payload: { code },
      });
      expect(res.statusCode, code.slice(0, 20)).toBe(200);
      const body = res.json();
      if (error) {
        expect(body.success, code.slice(0, 20)).toBe(false);
        expect(body.error, code.slice(0, 20)).toMatch(error);
      } else {
        expect(body.success, code.slice(0, 20)).toBe(true);
        expect(body.time_complexity, code.slice(0, 20)).toMatch(/^O\(/);
      }
    }
    // NUL cannot be stored or be Python source: refused before analysis (issue 10 item 4).
    const nul = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: alice.headers,
      payload: { code: "x = 1\u0000" },
    });
    expect(nul.statusCode).toBe(422);
  });

  it("streams start, chunks and complete, in order, to the caller's connection only", async () => {
    const mine = await TestWsClient.connect(base, tokenOf(alice));
    const theirs = await TestWsClient.connect(base, tokenOf(bob));
    const myConn = await mine.connectionId();
    await theirs.connectionId();
    const res = await t.app.inject({
      method: "POST",
      url: "/analyze/async",
      headers: alice.headers,
      payload: { code: QUADRATIC, connection_id: myConn },
    });
    expect(res.statusCode).toBe(200);
    const { job_id, status } = res.json();
    expect(status).toBe("streaming");
    const done = await mine.waitFor(
      (m) => m.type === "analysis_stream_complete" && m.job_id === job_id,
    );
    const mineForJob = mine.messages.filter((m: Msg) => m.job_id === job_id).map((m) => m.type);
    expect(mineForJob[0]).toBe("analysis_stream_start");
    expect(mineForJob.at(-1)).toBe("analysis_stream_complete");
    expect(mineForJob.filter((x) => x === "analysis_stream_chunk").length).toBeGreaterThan(0);
    const text = mine.messages
      .filter((m) => m.type === "analysis_stream_chunk" && m.job_id === job_id)
      .map((m) => m.chunk)
      .join("");
    const result = done.result as { narrative: string; time_complexity: string };
    expect(text).toBe(result.narrative);
    expect(result.time_complexity).toBe("O(n^2)");

    // Bob names Alice's connection: refused (404), and Alice sees nothing of his.
    const before = mine.messages.length;
    const bobs = await t.app.inject({
      method: "POST",
      url: "/analyze/async",
      headers: bob.headers,
      payload: { code: "x = 1", connection_id: myConn },
    });
    expect(bobs.statusCode).toBe(404);
    expect(bobs.json()).toMatchObject({ error: "not_found", message: "Connection not found" });
    await sleep(500);
    expect(mine.messages.slice(before)).toEqual([]);
    expect(theirs.messages.filter((m) => m.job_id === job_id)).toEqual([]);
    mine.close();
    theirs.close();
  });
});

describe("analysis routes with a Gemini key (local protocol server)", () => {
  let t: TestApp;
  let gemini: GeminiFixture;
  let user: User;
  beforeAll(async () => {
    gemini = await startGeminiServer();
    t = await createTestApp("pglite", {
      GEMINI_API_KEY: gemini.apiKey,
      GEMINI_BASE_URL: gemini.url,
      EMBEDDER: "offline",
    });
    user = await t.signUp("gem");
  });
  afterAll(async () => {
    await t?.close();
    await gemini?.close();
  });

  it("uses Gemini beside the offline analysis and the measurement, and names the model", async () => {
    expect((await t.app.inject({ method: "GET", url: "/analyze/status" })).json()).toEqual({
      available: true,
      provider: "gemini",
    });
    gemini.enqueue({ kind: "text", text: defaultAnswer("O(N²)", "O( 1 )") });
    const res = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: user.headers,
      payload: { code: COUNT_PAIRS },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      success: true,
      time_complexity: "O(n^2)",
      space_complexity: "O(1)",
      model: "gemini-2.5-flash",
      method: "static+measured",
    });
    expect(body.narrative).toMatch(/A single pass over the input/); // the model's text stays
    expect(body.measured.time_complexity).toBe("O(n^2)");
  });

  it("answers with the offline analysis, not a 500, when the model's answer is unusable", async () => {
    gemini.enqueue({ kind: "text", text: "I cannot tell." });
    const res = await t.app.inject({
      method: "POST",
      url: "/analyze",
      headers: user.headers,
      payload: { code: QUADRATIC },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: true, time_complexity: "O(n^2)", error: null });
    expect(body.method).toMatch(/^static/);
    expect(body.narrative).toMatch(/Line 4: loop `for b in items`/);
  });
});
