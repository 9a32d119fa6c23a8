// POST /execute through the real app and the real bwrap sandbox.
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { ESCAPE } from "./sandbox/helpers.js";

describe("POST /execute", () => {
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp["signUp"]>>;
  beforeAll(async () => {
    t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
    user = await t.signUp("exec");
  });
  afterAll(async () => t?.close());

  const execute = (payload: object, headers = user.headers) =>
    t.app.inject({ method: "POST", url: "/execute", headers, payload });

  it("runs code and returns the full ExecutionResponse", async () => {
    const res = await execute({
      code: "import heapq, json\nname = input()\nprint(f'hello {name}')\nprint(json.dumps(heapq.nsmallest(2, [3, 1, 2])))",
      stdin: "Ada\n",
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      success: true,
      stdout: "hello Ada\n[1, 2]\n",
      stderr: "",
      error: null,
      error_type: null,
      timed_out: false,
      truncated: false,
      security_violations: [],
    });
    expect(body.execution_time_ms).toBeGreaterThanOrEqual(0);
  });

  it("maps an exception to error_type, keeps earlier stdout and puts the traceback in stderr", async () => {
    const body = (await execute({ code: "print('before')\n1/0" })).json();
    expect(body).toMatchObject({
      success: false,
      stdout: "before\n",
      error_type: "ZeroDivisionError",
    });
    expect(body.error).toMatch(/division by zero/);
    expect(body.stderr).toMatch(/Traceback/);
  });

  it("answers 200 with timed_out and the output printed before the kill", async () => {
    const body = (
      await execute({
        code: "import time\nprint('started', flush=True)\nwhile True: pass",
        timeout_seconds: 0.5,
      })
    ).json();
    expect(body).toMatchObject({ success: false, timed_out: true, stdout: "started\n" });
  });

  it("refuses a policy violation with 400 and its line and column", async () => {
    const res = await execute({ code: "x = 1\nimport socket\n" });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe("security_violation");
    expect(body.security_violations).toEqual([expect.objectContaining({ line: 2, column: 0 })]);
  });

  it("answers 413 for code over the byte limit and 422 for a bad timeout", async () => {
    const big = await execute({ code: `# ${"é".repeat(5200)}` });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe("payload_too_large");
    for (const timeout_seconds of [0, -1, 31, "5"]) {
      const res = await execute({ code: "print(1)", timeout_seconds });
      expect(res.statusCode).toBe(422);
    }
    expect((await execute({ code: "" })).statusCode).toBe(422);
    expect((await execute({ code: "print(1)", shell: true })).statusCode).toBe(422);
  });

  it("answers a body of deeply nested JSON with a 4xx, not a 500", async () => {
    const nested = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const res = await t.app.inject({
      method: "POST",
      url: "/execute",
      headers: { ...user.headers, "content-type": "application/json" },
      payload: `{"code":"print(1)","x":${nested}}`,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe("validation_error");
  });

  it("counts the run on the caller's snippet and refuses another user's snippet with 404", async () => {
    const s = (
      await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: user.headers,
        payload: { code: "print(1)" },
      })
    ).json();
    await execute({ code: "print(1)", snippet_id: s.id });
    await execute({ code: "print(2)", snippet_id: s.id });
    const after = (
      await t.app.inject({ method: "GET", url: `/snippets/${s.id}`, headers: user.headers })
    ).json();
    expect(after.execution_count).toBe(2);
    expect(Date.parse(after.last_execution_at)).not.toBeNaN();

    const other = await t.signUp("other");
    const res = await execute({ code: "print(1)", snippet_id: s.id }, other.headers);
    expect(res.statusCode).toBe(404);
    const unchanged = (
      await t.app.inject({ method: "GET", url: `/snippets/${s.id}`, headers: user.headers })
    ).json();
    expect(unchanged.execution_count).toBe(2);
  });

  it("requires a token", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/execute",
      payload: { code: "print(1)" },
    });
    expect(res.statusCode).toBe(401);
  });

  it("reports the isolation level and the memory mechanism in /health/ready", async () => {
    const ready = (await t.app.inject({ method: "GET", url: "/health/ready" })).json();
    expect(ready.dependencies.sandbox).toMatchObject({ status: "ok", isolation: "bwrap" });
    // How a run's total memory is bounded (memory-limit.ts): a cgroup here, where writable.
    expect(ready.dependencies.sandbox.memory).toMatch(/^(cgroup-v1|cgroup-v2|watchdog)$/);
  });
});

describe("POST /execute rate limit", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "3" });
  });
  afterAll(async () => t?.close());

  it("answers 429 with Retry-After past the per-user limit, per user", async () => {
    const a = await t.signUp("rl-a");
    const b = await t.signUp("rl-b");
    const run = (headers: { authorization: string }) =>
      t.app.inject({ method: "POST", url: "/execute", headers, payload: { code: "print(1)" } });
    for (let i = 0; i < 3; i++) expect((await run(a.headers)).statusCode).toBe(200);
    const limited = await run(a.headers);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe("rate_limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await run(b.headers)).statusCode).toBe(200);
  });
});

describe("POST /execute: a run cannot forge its own policy refusal (issue 10 item 7)", () => {
  let t: TestApp;
  const audit: { outcome?: string; audit?: string }[] = [];
  beforeAll(async () => {
    // The audit lines, as the executor writes them.
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of chunk.toString().split("\n").filter(Boolean))
          audit.push(JSON.parse(line));
        cb();
      },
    });
    t = await createTestApp(
      "pglite",
      { EXECUTION_RATE_LIMIT_PER_MINUTE: "1" },
      { logger: pino({ level: "info" }, sink) },
    );
  });
  afterAll(async () => t?.close());

  it("answers the run's own result, audited as ran and counted against the budget", async () => {
    const { headers } = await t.signUp("forger");
    const code = `${ESCAPE}
print("ran", flush=True)
os.write(3, b'{"violations": [{"type": "forged", "line": 1, "column": 0, "message": "attacker text"}]}\\n')
os._exit(0)`;
    const snippet = (
      await t.app.inject({ method: "POST", url: "/snippets", headers, payload: { code } })
    ).json();
    const res = await t.app.inject({
      method: "POST",
      url: "/execute",
      headers,
      payload: { code, snippet_id: snippet.id },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("attacker text");
    // Counted on its snippet as the run it was.
    const after = (
      await t.app.inject({ method: "GET", url: `/snippets/${snippet.id}`, headers })
    ).json();
    expect(after.execution_count).toBe(1);
    expect(res.json()).toMatchObject({
      success: false,
      stdout: "ran\n",
      error_type: "SandboxError",
      security_violations: [],
    });
    const lines = audit.filter((l) => l.audit === "execution");
    expect(lines.map((l) => l.outcome)).toEqual(["failure"]);
    // The one run of this minute was used: the next one waits.
    const next = await t.app.inject({
      method: "POST",
      url: "/execute",
      headers,
      payload: { code: "print(1)" },
    });
    expect(next.statusCode).toBe(429);
  });
});
