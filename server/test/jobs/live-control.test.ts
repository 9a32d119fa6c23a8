// Input while running and Stop (issue 13 items 4 and 5), end to end in one process: a real
// `ws` client against the real server, the real bwrap sandbox, the real database.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Msg, sleep, TestWsClient } from "./ws-client.js";

let t: TestApp;
let base: string;
type User = Awaited<ReturnType<TestApp["signUp"]>>;
let alice: User;
let bob: User;
const tokenOf = (u: User) => u.headers.authorization.slice("Bearer ".length);

beforeAll(async () => {
  t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  alice = await t.signUp("alice");
  bob = await t.signUp("bob");
});
afterAll(async () => {
  await t?.close();
});

async function submit(user: User, body: Record<string, unknown>): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/execute/async",
    headers: user.headers,
    payload: body,
  });
  expect(res.statusCode).toBe(202);
  return (res.json() as { job_id: string }).job_id;
}

async function connect(user: User) {
  const ws = await TestWsClient.connect(base, tokenOf(user));
  return { ws, connectionId: await ws.connectionId() };
}

const forJob = (ws: TestWsClient, jobId: string, type?: string) =>
  ws.messages.filter((m) => m.job_id === jobId && (type === undefined || m.type === type));

const resultOf = (ws: TestWsClient, jobId: string) =>
  ws.waitFor((m) => m.type === "execution_result" && m.job_id === jobId, 20_000);

describe("interactive input over the WebSocket", () => {
  it("asks for input when the program waits, passes it on, and ends input with stdin_close", async () => {
    const { ws, connectionId } = await connect(alice);
    const code = [
      "name = input('Your name? ')",
      "print(f'Hello, {name}!')",
      "total = 0",
      "while True:",
      "    try:",
      "        line = input()",
      "    except EOFError:",
      "        break",
      "    total += int(line)",
      "    print('sum', total)",
      "print('done', total)",
    ].join("\n");
    const jobId = await submit(alice, { code, connection_id: connectionId, interactive: true });

    const ask = await ws.waitFor((m) => m.type === "execution_input_request" && m.job_id === jobId);
    expect(ask.prompt).toBe("Your name? ");
    // The prompt was printed (and sent) before the program asked.
    expect(
      forJob(ws, jobId, "execution_output")
        .map((m) => m.data)
        .join(""),
    ).toBe("Your name? ");

    let from = ws.messages.length;
    ws.send({ action: "stdin", job_id: jobId, data: "Ada\n" });
    await ws.waitFor(
      (m) => m.type === "execution_input_request" && m.job_id === jobId,
      10_000,
      from,
    );
    from = ws.messages.length;
    ws.send({ action: "stdin", job_id: jobId, data: "4" });
    ws.send({ action: "stdin", job_id: jobId, data: "0\n2\n" });
    await ws.waitFor(
      (m) => m.type === "execution_output" && /sum 42/.test(String(m.data)),
      10_000,
      from,
    );
    ws.send({ action: "stdin_close", job_id: jobId });

    const result = await resultOf(ws, jobId);
    expect(result).toMatchObject({
      success: true,
      stdout: "Your name? Hello, Ada!\nsum 40\nsum 42\ndone 42\n",
      timed_out: false,
    });
    ws.close();
  });

  it("time spent waiting for input counts toward the timeout", async () => {
    const { ws, connectionId } = await connect(alice);
    const jobId = await submit(alice, {
      code: "print('waiting', flush=True)\ninput()",
      connection_id: connectionId,
      interactive: true,
      timeout_seconds: 1,
    });
    await ws.waitFor((m) => m.type === "execution_input_request" && m.job_id === jobId);
    const result = await resultOf(ws, jobId);
    expect(result).toMatchObject({ success: false, timed_out: true, stdout: "waiting\n" });
    ws.close();
  });

  it("a run without interactive reads end of file, and refuses input", async () => {
    const { ws, connectionId } = await connect(alice);
    const jobId = await submit(alice, {
      code: "import time\ntime.sleep(0.5)\ntry:\n    input()\nexcept EOFError:\n    print('eof')",
      connection_id: connectionId,
    });
    ws.send({ action: "stdin", job_id: jobId, data: "x\n" });
    const error = await ws.waitFor((m) => m.type === "error" && m.job_id === jobId);
    expect(error.message).toMatch(/not interactive/);
    expect(await resultOf(ws, jobId)).toMatchObject({ success: true, stdout: "eof\n" });
    expect(forJob(ws, jobId, "execution_input_request")).toHaveLength(0);
    ws.close();
  });

  it("only the owner can send input or cancel", async () => {
    const a = await connect(alice);
    const b = await connect(bob);
    const jobId = await submit(alice, {
      code: "print(input('? '))",
      connection_id: a.connectionId,
      interactive: true,
    });
    await a.ws.waitFor((m) => m.type === "execution_input_request" && m.job_id === jobId);
    b.ws.send({ action: "stdin", job_id: jobId, data: "from bob\n" });
    b.ws.send({ action: "cancel", job_id: jobId });
    const errors = () => b.ws.messages.filter((m) => m.type === "error" && m.job_id === jobId);
    await b.ws.waitFor((m) => m.type === "error" && m.job_id === jobId);
    await sleep(200);
    expect(errors().map((m) => m.message)).toEqual(["Job not found", "Job not found"]);
    const res = await t.app.inject({
      method: "POST",
      url: `/executions/${jobId}/cancel`,
      headers: bob.headers,
    });
    expect(res.statusCode).toBe(404);

    a.ws.send({ action: "stdin", job_id: jobId, data: "from alice\n" });
    expect(await resultOf(a.ws, jobId)).toMatchObject({ success: true, stdout: "? from alice\n" });
    expect(b.ws.messages.filter((m) => m.job_id === jobId && m.type !== "error")).toEqual([]);
    a.ws.close();
    b.ws.close();
  });

  it("refuses malformed commands with an error and keeps the connection", async () => {
    const { ws } = await connect(alice);
    ws.send({ action: "stdin", job_id: "not-a-uuid", data: "x" });
    ws.send({ action: "stdin", job_id: "00000000-0000-4000-8000-000000000000" });
    await ws.waitFor(() => ws.messages.filter((x) => x.type === "error").length >= 2);
    const messages = ws.messages.filter((m) => m.type === "error").map((m) => m.message);
    expect(messages[0]).toMatch(/Invalid stdin message: job_id/);
    expect(messages[1]).toMatch(/Invalid stdin message: data/);
    expect(await ws.connectionId()).toMatch(/^[0-9a-f-]{36}$/);
    ws.close();
  });
});

describe("Stop", () => {
  const TICKER =
    "import time\nfor i in range(300):\n    print('tick', i, flush=True)\n    time.sleep(0.05)";

  it("cancel over the WebSocket ends the run with Cancelled and the output so far", async () => {
    const { ws, connectionId } = await connect(alice);
    const jobId = await submit(alice, { code: TICKER, connection_id: connectionId });
    await ws.waitFor(
      (m) => m.type === "execution_output" && m.job_id === jobId && /tick 2/.test(String(m.data)),
    );
    ws.send({ action: "cancel", job_id: jobId });
    const result = await resultOf(ws, jobId);
    expect(result).toMatchObject({
      success: false,
      error_type: "Cancelled",
      timed_out: false,
    });
    const stdout = String(result.stdout);
    expect(stdout).toMatch(/^tick 0\ntick 1\ntick 2\n/);
    expect(stdout).not.toMatch(/tick 299/);
    // Everything streamed is in the result, and nothing arrives after it.
    const streamed = forJob(ws, jobId, "execution_output")
      .map((m) => m.data)
      .join("");
    expect(stdout.startsWith(streamed)).toBe(true);
    await sleep(200);
    expect(forJob(ws, jobId).at(-1)?.type).toBe("execution_result");
    ws.close();
  });

  it("POST /executions/{id}/cancel answers the ended job; an interactive run waiting for input stops too", async () => {
    const { ws, connectionId } = await connect(alice);
    const jobId = await submit(alice, {
      code: "print('started', flush=True)\ninput('> ')",
      connection_id: connectionId,
      interactive: true,
    });
    await ws.waitFor((m) => m.type === "execution_input_request" && m.job_id === jobId);
    const res = await t.app.inject({
      method: "POST",
      url: `/executions/${jobId}/cancel`,
      headers: alice.headers,
    });
    expect(res.statusCode).toBe(200);
    const job = res.json() as { status: string; result: Msg };
    expect(job.status).toBe("completed");
    expect(job.result).toMatchObject({
      success: false,
      error_type: "Cancelled",
      stdout: "started\n> ",
    });
    expect(await resultOf(ws, jobId)).toMatchObject({ error_type: "Cancelled" });

    // Cancelling again changes nothing; GET answers the same.
    const again = await t.app.inject({
      method: "POST",
      url: `/executions/${jobId}/cancel`,
      headers: alice.headers,
    });
    expect(again.json()).toMatchObject({
      status: "completed",
      result: { error_type: "Cancelled" },
    });
    ws.close();
  });

  it("a synchronous POST /execute whose client disconnects frees its sandbox", async () => {
    const sandbox = t.areas.execution.sandbox;
    await expectEventually(() => sandbox.stats().busy === 0);
    const body = JSON.stringify({ code: "while True:\n    pass", timeout_seconds: 30 });
    const req = httpRequest(`${base}/execute`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/json" },
    });
    req.on("error", () => {});
    req.end(body);
    await expectEventually(() => sandbox.stats().busy === 1);
    req.destroy();
    // Well before the run's own 30 s timeout.
    await expectEventually(() => sandbox.stats().busy === 0, 5000);
  });
});

async function expectEventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not reached in time");
    await sleep(10);
  }
}
