// End to end on one process (embedded mode: memory queue, local hub): a real ws client,
// the real executor (bwrap), the real database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Msg, sleep, TestWsClient } from "./ws-client.js";

let t: TestApp;
let base: string;
type User = Awaited<ReturnType<TestApp["signUp"]>>;
let alice: User;
let bob: User;
const tokenOf = (u: User) => u.headers.authorization.slice("Bearer ".length);

const TICKER = `import time
for i in range(5):
    print("line", i)
    time.sleep(0.1)
`;

beforeAll(async () => {
  t = await createTestApp("pglite", {
    EXECUTION_RATE_LIMIT_PER_MINUTE: "1000",
    // Token-less connections have their own tests (ws-anonymous.test.ts).
    WS_ALLOW_ANONYMOUS: "false",
  });
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  alice = await t.signUp("alice");
  bob = await t.signUp("bob");
});
afterAll(async () => {
  await t?.close();
});

async function submit(user: User, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: "POST",
    url: "/execute/async",
    headers: user.headers,
    payload: body,
  });
  return res;
}

describe("WebSocket connect", () => {
  it("refuses a connection without a token or with a bad one (401)", async () => {
    await expect(TestWsClient.connect(base)).rejects.toMatchObject({ status: 401 });
    await expect(TestWsClient.connect(base, "not-a-jwt")).rejects.toMatchObject({ status: 401 });
  });

  it("answers ping with pong and the connection id", async () => {
    const c = await TestWsClient.connect(base, tokenOf(alice));
    const id = await c.connectionId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    c.close();
  });
});

describe("streamed execution", () => {
  it("streams output chunks in order before exactly one result equal to GET /executions/{id}", async () => {
    const mine = await TestWsClient.connect(base, tokenOf(alice));
    const theirs = await TestWsClient.connect(base, tokenOf(bob));
    const myConn = await mine.connectionId();
    const theirConn = await theirs.connectionId();

    const res = await submit(alice, { code: TICKER, connection_id: myConn });
    expect(res.statusCode).toBe(202);
    const { job_id, status } = res.json() as { job_id: string; status: string };
    expect(status).toBe("queued");
    // Bob also tries to follow Alice's job by id: he must get nothing of it.
    theirs.send({ action: "subscribe", job_id });

    const result = await mine.waitFor((m) => m.type === "execution_result" && m.job_id === job_id);
    await sleep(300);
    const mineForJob = mine.messages.filter((m) => m.job_id === job_id);
    const outputs = mineForJob.filter((m) => m.type === "execution_output");
    const resultIndex = mineForJob.findIndex((m) => m.type === "execution_result");
    expect(outputs.length).toBeGreaterThanOrEqual(2); // live, not one message at the end
    expect(resultIndex).toBe(mineForJob.length - 1);
    expect(mineForJob.filter((m) => m.type === "execution_result")).toHaveLength(1);
    const streamed = outputs.map((m) => m.data).join("");
    expect(streamed).toBe("line 0\nline 1\nline 2\nline 3\nline 4\n");
    expect(result.stdout).toBe(streamed);
    expect(result.success).toBe(true);

    const polled = await t.app.inject({
      method: "GET",
      url: `/executions/${job_id}`,
      headers: alice.headers,
    });
    expect(polled.statusCode).toBe(200);
    const job = polled.json() as { status: string; result: Msg; finished_at: string };
    expect(job.status).toBe("completed");
    expect(job.finished_at).toBeTruthy();
    const { type: _type, job_id: _id, ...fields } = result;
    expect(job.result).toEqual(fields);

    expect(
      theirs.messages.some(
        (m) => m.job_id === job_id && m.type !== undefined && m.type.startsWith("execution"),
      ),
    ).toBe(false);
    expect(theirs.messages.find((m) => m.type === "error")?.message).toBe("Job not found");

    // Bob naming Alice's connection in his own job: refused (404), nothing reaches her.
    const before = mine.messages.length;
    const bobs = await submit(bob, { code: "print('bob secret')", connection_id: myConn });
    expect(bobs.statusCode).toBe(404);
    await sleep(300);
    expect(mine.messages.slice(before)).toEqual([]);
    expect(theirConn).not.toBe(myConn);
    mine.close();
    theirs.close();
  });
});

describe("account deletion", () => {
  it("ends the account's open WebSockets (error, then close 1008); others' stay open", async () => {
    const carol = await t.signUp("carol-deleted");
    const first = await TestWsClient.connect(base, tokenOf(carol));
    const second = await TestWsClient.connect(base, tokenOf(carol));
    const other = await TestWsClient.connect(base, tokenOf(bob));
    await first.connectionId();
    await second.connectionId();
    const res = await t.app.inject({ method: "DELETE", url: "/auth/me", headers: carol.headers });
    expect(res.statusCode).toBe(200);
    for (const c of [first, second]) {
      const said = await c.waitFor((m) => m.type === "error");
      expect(said.message).toBe("Account deleted");
      await vi.waitFor(() => expect(c.closeCode).toBe(1008));
    }
    // Bob's connection is untouched, and the deleted account's token opens nothing new.
    expect(await other.connectionId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.closeCode).toBeUndefined();
    await expect(TestWsClient.connect(base, tokenOf(carol))).rejects.toMatchObject({ status: 401 });
    other.close();
  });
});
