// Token-less WebSocket connections, as the original client opens them (issue 12, item 5):
// accepted where settings allow, they receive only `pong` until an authenticated
// POST /execute/async or /analyze/async names them, which binds them to that user for good;
// every other user is refused (404). Real server, real ws client, real sandbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UNBOUND_PER_CLIENT } from "../../src/jobs/ws-routes.js";
import { loadSettings } from "../../src/platform/config.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Msg, sleep, TestWsClient } from "./ws-client.js";

let t: TestApp;
let base: string;
type User = Awaited<ReturnType<TestApp["signUp"]>>;
let alice: User;
let bob: User;
const tokenOf = (u: User) => u.headers.authorization.slice("Bearer ".length);
const open: TestWsClient[] = [];

async function connect(token?: string): Promise<TestWsClient> {
  const c = await TestWsClient.connect(base, token);
  open.push(c);
  return c;
}

const post = (user: User, url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url, headers: user.headers, payload });

/** Sends `ping` and returns every message that arrived before its `pong`. */
async function messagesBeforePong(c: TestWsClient): Promise<Msg[]> {
  const from = c.messages.length;
  c.send({ action: "ping" });
  await c.waitFor((m) => m.type === "pong", 5000, from);
  const all = c.messages.slice(from);
  return all.slice(
    0,
    all.findIndex((m) => m.type === "pong"),
  );
}

beforeAll(async () => {
  // The test environment: token-less connections on by default, as in development.
  t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  alice = await t.signUp("alice");
  bob = await t.signUp("bob");
});
afterAll(async () => {
  for (const c of open) c.close();
  await t?.close();
});

describe("settings", () => {
  it("allows token-less connections by default outside production, not in production", () => {
    expect(loadSettings({}).wsAllowAnonymous).toBe(true);
    expect(t.settings.wsAllowAnonymous).toBe(true);
    const production = loadSettings({
      ENVIRONMENT: "production",
      JWT_SECRET: "a-production-secret-of-at-least-32-chars!",
    });
    expect(production.wsAllowAnonymous).toBe(false);
    expect(
      loadSettings({
        ENVIRONMENT: "production",
        JWT_SECRET: "a-production-secret-of-at-least-32-chars!",
        WS_ALLOW_ANONYMOUS: "true",
      }).wsAllowAnonymous,
    ).toBe(true);
  });
});

describe("a token-less connection", () => {
  it("is accepted, but a token that is there must be good", async () => {
    const c = await connect();
    expect(await c.connectionId()).toMatch(/^[0-9a-f-]{36}$/);
    await expect(TestWsClient.connect(base, "not-a-jwt")).rejects.toMatchObject({ status: 401 });
  });

  it("receives only pong before it is bound: no errors, no subscriptions, no one's output", async () => {
    const c = await connect();
    const id = await c.connectionId();
    const job = await post(alice, "/execute/async", { code: "print('not yours')" });
    const jobId = (job.json() as { job_id: string }).job_id;
    c.send({ action: "subscribe", job_id: jobId });
    c.send("not json");
    c.send({ action: "dance" });
    await sleep(300);
    // A user's broadcast (no target) reaches only the user's own bound connections.
    await t.areas.asyncExecution.notifier.publish(alice.id, { type: "broadcast" });
    expect(await messagesBeforePong(c)).toEqual([]);
    expect(c.messages.every((m) => m.type === "pong" && m.connection_id === id)).toBe(true);
  });

  it("is bound by a POST /execute/async that names it, then streams that user's run", async () => {
    const c = await connect();
    const id = await c.connectionId();
    const res = await post(alice, "/execute/async", {
      code: "for i in range(3):\n    print('n', i)",
      connection_id: id,
    });
    expect(res.statusCode).toBe(202);
    const jobId = (res.json() as { job_id: string }).job_id;
    const result = await c.waitFor((m) => m.type === "execution_result" && m.job_id === jobId);
    expect(result).toMatchObject({ success: true, stdout: "n 0\nn 1\nn 2\n" });
    const streamed = c.messages
      .filter((m) => m.type === "execution_output" && m.job_id === jobId)
      .map((m) => m.data)
      .join("");
    expect(streamed).toBe("n 0\nn 1\nn 2\n");
    // Bound: the connection now speaks for alice (subscriptions, errors).
    const from = c.messages.length;
    c.send({ action: "subscribe", job_id: jobId });
    expect(await c.waitFor((m) => m.type === "subscribed", 5000, from)).toMatchObject({
      job_id: jobId,
      status: "completed",
    });
  });

  it("is bound by a POST /analyze/async too", async () => {
    const c = await connect();
    const id = await c.connectionId();
    const res = await post(alice, "/analyze/async", {
      code: "def f(xs):\n    return sum(xs)\n",
      connection_id: id,
    });
    expect(res.statusCode).toBe(200);
    expect(await c.waitFor((m) => m.type === "analysis_stream_complete")).toMatchObject({
      result: { success: true },
    });
  });

  it("once bound to one user, is refused to every other in every way", async () => {
    const c = await connect();
    const id = await c.connectionId();
    expect(
      (await post(alice, "/execute/async", { code: "print(1)", connection_id: id })).statusCode,
    ).toBe(202);
    await c.waitFor((m) => m.type === "execution_result");

    // bob names it in a run and in an analysis: 404, the same as for no connection at all.
    const run = await post(bob, "/execute/async", { code: "print('bob')", connection_id: id });
    expect(run.statusCode).toBe(404);
    expect(run.json()).toMatchObject({ error: "not_found", message: "Connection not found" });
    const analysis = await post(bob, "/analyze/async", { code: "x = 1", connection_id: id });
    expect(analysis.statusCode).toBe(404);
    // bob's own socket cannot follow alice's jobs through it, nor can it follow bob's.
    const aliceJob = (
      (await post(alice, "/execute/async", { code: "print(2)" })).json() as { job_id: string }
    ).job_id;
    const bobJob = (
      (await post(bob, "/execute/async", { code: "print(3)" })).json() as {
        job_id: string;
      }
    ).job_id;
    const bobs = await connect(tokenOf(bob));
    const from = bobs.messages.length;
    bobs.send({ action: "subscribe", job_id: aliceJob });
    expect(await bobs.waitFor((m) => m.type === "error", 5000, from)).toMatchObject({
      message: "Job not found",
    });
    const before2 = c.messages.length;
    c.send({ action: "subscribe", job_id: bobJob });
    expect(await c.waitFor((m) => m.type === "error", 5000, before2)).toMatchObject({
      message: "Job not found",
    });
    // A publication for bob naming the connection reaches nothing.
    await t.areas.asyncExecution.notifier.publish(
      bob.id,
      { type: "for_bob" },
      { connectionId: id },
    );
    expect((await messagesBeforePong(c)).some((m) => m.type === "for_bob")).toBe(false);
    expect(c.messages.some((m) => m.job_id === bobJob)).toBe(false);
  });

  it("bound to whoever names it first: the other user then gets 404", async () => {
    const c = await connect();
    const id = await c.connectionId();
    expect(
      (await post(bob, "/execute/async", { code: "print('b')", connection_id: id })).statusCode,
    ).toBe(202);
    expect(
      (await post(alice, "/execute/async", { code: "print('a')", connection_id: id })).statusCode,
    ).toBe(404);
  });

  it("a token connection of one user is refused to every other as well", async () => {
    const c = await connect(tokenOf(alice));
    const id = await c.connectionId();
    expect(
      (await post(bob, "/execute/async", { code: "print(1)", connection_id: id })).statusCode,
    ).toBe(404);
    expect(
      (await post(alice, "/execute/async", { code: "print(1)", connection_id: id })).statusCode,
    ).toBe(202);
  });

  it("is capped per client: past the limit the server closes it (1008)", async () => {
    // Earlier tests left some unbound ones open from this address; fill up to the cap.
    const extra: TestWsClient[] = [];
    for (let i = 0; i < MAX_UNBOUND_PER_CLIENT; i++) {
      const c = await connect();
      extra.push(c);
      await sleep(20);
      if (c.closeCode === 1008) break;
    }
    await sleep(200);
    const refused = extra.filter((c) => c.closeCode === 1008);
    expect(refused.length).toBeGreaterThan(0);
    // A token connection is not counted against the anonymous cap.
    const mine = await connect(tokenOf(alice));
    expect(await mine.connectionId()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("with WS_ALLOW_ANONYMOUS=false", () => {
  let strict: TestApp;
  let strictBase: string;
  beforeAll(async () => {
    strict = await createTestApp("pglite", { WS_ALLOW_ANONYMOUS: "false" });
    strictBase = await strict.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => strict?.close());

  it("refuses a connection without a token (401)", async () => {
    await expect(TestWsClient.connect(strictBase)).rejects.toMatchObject({ status: 401 });
  });
});
