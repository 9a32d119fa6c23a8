// Bad client messages get an `error` message and the connection stays usable; subscribe
// and unsubscribe follow only the caller's own jobs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CLIENT_MESSAGE_BYTES, MAX_CONNECTIONS_PER_USER } from "../../src/jobs/ws-messages.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { TestWsClient } from "./ws-client.js";

let t: TestApp;
let base: string;
let token: string;
let headers: { authorization: string };

beforeAll(async () => {
  t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  const user = await t.signUp("ws");
  headers = user.headers;
  token = headers.authorization.slice("Bearer ".length);
});
afterAll(async () => {
  await t?.close();
});

async function expectError(c: TestWsClient, send: () => void, message: RegExp) {
  const from = c.messages.length;
  send();
  const err = await c.waitFor((m) => m.type === "error", 5000, from);
  expect(err.message).toMatch(message);
  // Still up: the next ping is answered.
  const pongFrom = c.messages.length;
  c.send({ action: "ping" });
  await c.waitFor((m) => m.type === "pong", 5000, pongFrom);
  expect(c.closeCode).toBeUndefined();
}

describe("bad client messages", () => {
  it("answers each with an error message and keeps the connection open", async () => {
    const c = await TestWsClient.connect(base, token);
    await expectError(c, () => c.send("this is not json"), /not valid JSON/);
    await expectError(c, () => c.send({ action: "dance" }), /Unknown action: dance/);
    await expectError(c, () => c.send({ hello: 1 }), /Unknown action/);
    await expectError(c, () => c.send("null"), /Unknown action/);
    await expectError(
      c,
      () => c.send({ action: "subscribe", job_id: "nope" }),
      /Invalid subscribe message: job_id/,
    );
    await expectError(c, () => c.send("x".repeat(256 * 1024)), /too large/);
    await expectError(c, () => c.ws.send(Buffer.from([1, 2, 3]), { binary: true }), /Binary/);
    await expectError(
      c,
      () => c.send({ action: "ping", pad: "y".repeat(MAX_CLIENT_MESSAGE_BYTES) }),
      /too large/,
    );
    await expectError(
      c,
      () => c.send({ action: "subscribe", job_id: "00000000-0000-4000-8000-000000000000" }),
      /Job not found/,
    );
    c.close();
  });
});

describe("subscribe", () => {
  it("a subscriber that joins after the job finished still gets its one result", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers,
      payload: { code: "print(6 * 7)" },
    });
    const { job_id } = res.json() as { job_id: string };
    for (let i = 0; i < 100; i++) {
      const job = await t.app.inject({ method: "GET", url: `/executions/${job_id}`, headers });
      if ((job.json() as { status: string }).status === "completed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const c = await TestWsClient.connect(base, token);
    c.send({ action: "subscribe", job_id });
    const ack = await c.waitFor((m) => m.type === "subscribed");
    expect(ack).toMatchObject({ job_id, status: "completed" });
    const result = await c.waitFor((m) => m.type === "execution_result");
    expect(result).toMatchObject({ job_id, stdout: "42\n", success: true });
    c.send({ action: "subscribe", job_id });
    await c.waitFor((m) => m.type === "subscribed", 5000, c.messages.indexOf(ack) + 1);
    c.send({ action: "unsubscribe", job_id });
    await c.waitFor((m) => m.type === "unsubscribed");
    expect(c.messages.filter((m) => m.type === "execution_result")).toHaveLength(1);
    c.close();
  });

  it("a subscriber without connection_id receives the live output of its own job", async () => {
    const c = await TestWsClient.connect(base, token);
    const res = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers,
      payload: { code: "import time\ntime.sleep(0.5)\nprint('late')\n" },
    });
    const { job_id } = res.json() as { job_id: string };
    c.send({ action: "subscribe", job_id });
    const result = await c.waitFor((m) => m.type === "execution_result");
    expect(result.stdout).toBe("late\n");
    expect(c.messages.some((m) => m.type === "execution_output" && m.data === "late\n")).toBe(true);
    c.close();
  });
});

describe("connections", () => {
  it("limits the connections one user holds open", async () => {
    const user = await t.signUp("many");
    const own = user.headers.authorization.slice("Bearer ".length);
    const open = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS_PER_USER }, () => TestWsClient.connect(base, own)),
    );
    const extra = await TestWsClient.connect(base, own);
    await extra.waitFor(() => false, 5000).catch(() => {});
    expect(extra.closeCode).toBe(1008);
    // Another user is not affected.
    const other = await TestWsClient.connect(base, token);
    expect(await other.connectionId()).toBeTruthy();
    for (const c of [...open, other]) c.close();
  });
});
