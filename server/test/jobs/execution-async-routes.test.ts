// POST /execute/async and GET /executions/{job_id} through the real app: validation,
// limits, ownership.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
type User = Awaited<ReturnType<TestApp["signUp"]>>;
let alice: User;
let bob: User;

beforeAll(async () => {
  t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "1000" });
  alice = await t.signUp("alice");
  bob = await t.signUp("bob");
});
afterAll(async () => {
  await t?.close();
});

const submit = (user: User | undefined, payload: unknown) =>
  t.app.inject({
    method: "POST",
    url: "/execute/async",
    headers: user?.headers ?? {},
    payload: payload as Record<string, unknown>,
  });

async function waitDone(user: User, jobId: string) {
  for (let i = 0; i < 150; i++) {
    const res = await t.app.inject({
      method: "GET",
      url: `/executions/${jobId}`,
      headers: user.headers,
    });
    const body = res.json() as { status: string };
    if (body.status === "completed" || body.status === "failed") return res.json();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("job did not finish");
}

describe("POST /execute/async", () => {
  it("202 queued, then completed with timings and the result", async () => {
    const res = await submit(alice, { code: "print(input())", stdin: "hi", timeout_seconds: 5 });
    expect(res.statusCode).toBe(202);
    const { job_id, status } = res.json() as { job_id: string; status: string };
    expect(status).toBe("queued");
    const job = await waitDone(alice, job_id);
    expect(job).toMatchObject({
      job_id,
      status: "completed",
      result: { stdout: "hi\n", success: true },
    });
    expect(Date.parse(job.started_at)).toBeGreaterThanOrEqual(Date.parse(job.created_at));
    expect(Date.parse(job.finished_at)).toBeGreaterThanOrEqual(Date.parse(job.started_at));
  });

  it("a program that raises or breaks the policy completes with success: false", async () => {
    const raised = (await submit(alice, { code: "print('a')\n1/0" })).json() as { job_id: string };
    const job = await waitDone(alice, raised.job_id);
    expect(job.result).toMatchObject({
      success: false,
      error_type: "ZeroDivisionError",
      stdout: "a\n",
    });
    const refused = (await submit(alice, { code: "import os\nos.system('id')" })).json() as {
      job_id: string;
    };
    const refusedJob = await waitDone(alice, refused.job_id);
    expect(refusedJob.result.success).toBe(false);
    expect(refusedJob.result.security_violations.length).toBeGreaterThan(0);
  });

  it("counts the run on the caller's snippet", async () => {
    const snippet = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: alice.headers,
      payload: { code: "print(1)" },
    });
    const id = (snippet.json() as { id: string }).id;
    const res = await submit(alice, { code: "print(1)", snippet_id: id });
    await waitDone(alice, (res.json() as { job_id: string }).job_id);
    const after = await t.app.inject({
      method: "GET",
      url: `/snippets/${id}`,
      headers: alice.headers,
    });
    expect((after.json() as { execution_count: number }).execution_count).toBe(1);
    // Someone else's snippet: 404, and nothing is queued.
    const foreign = await submit(bob, { code: "print(1)", snippet_id: id });
    expect(foreign.statusCode).toBe(404);
  });

  it("refuses bad input with the API.md envelope", async () => {
    expect((await submit(undefined, { code: "print(1)" })).statusCode).toBe(401);
    expect((await submit(alice, { code: "" })).statusCode).toBe(422);
    expect((await submit(alice, { code: "print(1)", timeout_seconds: 0 })).statusCode).toBe(422);
    expect((await submit(alice, { code: "print(1)", timeout_seconds: 31 })).statusCode).toBe(422);
    expect((await submit(alice, { code: "print(1)", extra: true })).statusCode).toBe(422);
    expect((await submit(alice, { code: "print(1)", connection_id: "a b" })).statusCode).toBe(422);
    const big = await submit(alice, { code: `# ${"x".repeat(t.settings.execution.maxCodeBytes)}` });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: "payload_too_large" });
    const malformed = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers: { ...alice.headers, "content-type": "application/json" },
      payload: "{nope",
    });
    expect(malformed.statusCode).toBe(400);
  });
});

describe("GET /executions/{job_id}", () => {
  it("is for the owner only: 404 for another user's job, or none", async () => {
    const res = await submit(alice, { code: "print(1)" });
    const { job_id } = res.json() as { job_id: string };
    const theirs = await t.app.inject({
      method: "GET",
      url: `/executions/${job_id}`,
      headers: bob.headers,
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ error: "not_found" });
    const none = await t.app.inject({
      method: "GET",
      url: "/executions/00000000-0000-4000-8000-000000000000",
      headers: alice.headers,
    });
    expect(none.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: "GET",
      url: "/executions/xyz",
      headers: alice.headers,
    });
    expect(bad.statusCode).toBe(422);
    const anon = await t.app.inject({ method: "GET", url: `/executions/${job_id}` });
    expect(anon.statusCode).toBe(401);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/execute/async", "/executions/{job_id}"]),
    );
  });
});
