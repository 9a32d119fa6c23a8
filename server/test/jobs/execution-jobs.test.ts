// The job lifecycle rules on a real database (PGlite), with the executor and notifier
// replaced by injected fakes to force what a real run rarely does: crashing, being
// delivered twice, outliving its worker.
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { upsertUserFromIdentity } from "../../src/auth/user-repo.js";
import type { ExecuteInput } from "../../src/execution/executor-service.js";
import { createExecutionBudget, createRequestPolicy } from "../../src/execution/request-policy.js";
import type { ExecutionResult } from "../../src/execution/sandbox/sandbox.js";
import { createExecutionJobProcessor } from "../../src/jobs/execution-job-processor.js";
import { createExecutionJobService } from "../../src/jobs/execution-job-service.js";
import { startExecutionJobWorker } from "../../src/jobs/execution-job-worker.js";
import type { ExecutionJobMessage, ReceivedMessage } from "../../src/jobs/queue/job-queue.js";
import { MemoryQueue } from "../../src/jobs/queue/memory-queue.js";
import { LocalJobControl } from "../../src/jobs/realtime/job-control.js";
import type { ServerMessage } from "../../src/jobs/realtime/notifier.js";
import type { Database } from "../../src/platform/db/database.js";
import { executions } from "../../src/platform/db/schema/index.js";
import { RateLimitedError, UnavailableError } from "../../src/platform/errors.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";
import { executionResult } from "../helpers/execution-result.js";
import { sleep } from "./ws-client.js";

const logger = pino({ level: "silent" });
let testDb: TestDatabase;
let database: Database;
let userId: string;

const ok = (stdout: string): ExecutionResult => executionResult({ stdout });

class FakeNotifier {
  sent: { userId: string; message: ServerMessage; target: unknown }[] = [];
  async publish(userId: string, message: ServerMessage, target?: unknown) {
    this.sent.push({ userId, message, target });
  }
  results(jobId: string) {
    return this.sent.filter(
      (s) => s.message.type === "execution_result" && s.message.job_id === jobId,
    );
  }
}

type Execute = (i: ExecuteInput) => Promise<ExecutionResult>;
const snippets = { assertOwned: async () => {}, recordExecution: async () => {} };
/** Admits everything (the policy's own rules are tested in execution/request-policy). */
const policy = createRequestPolicy({ snippets, maxCodeBytes: 65_536, maxTimeoutSeconds: 10 });

function setup(execute: Execute, opts: { maxAttempts?: number } = {}) {
  const queue = new MemoryQueue<ExecutionJobMessage>({ leaseSeconds: 1 });
  const notifier = new FakeNotifier();
  const jobs = createExecutionJobService({
    db: database.db,
    queue,
    policy,
    logger,
  });
  const processor = createExecutionJobProcessor({
    db: database.db,
    executor: { execute },
    notifier,
    snippets,
    logger,
    maxAttempts: opts.maxAttempts ?? 3,
    output: { flushMs: 5 },
  });
  return { queue, notifier, jobs, processor };
}

const submitInput = { code: "print(1)", stdin: "", timeoutSeconds: 5 };

async function receiveOne(queue: MemoryQueue<ExecutionJobMessage>) {
  const [m] = await queue.receive({ max: 1, waitMs: 3000 });
  if (!m) throw new Error("no message");
  return m;
}

const row = async (jobId: string) =>
  (await database.db.select().from(executions).where(eq(executions.jobId, jobId)))[0];

beforeAll(async () => {
  testDb = await createTestDatabase("pglite");
  database = testDb.database;
  userId = (
    await upsertUserFromIdentity(database.db, {
      sub: `u-${randomUUID()}`,
      email: "jobs@example.com",
      username: null,
    })
  ).id;
});
afterAll(async () => {
  await testDb?.drop();
});

describe("processing", () => {
  let calls: number;
  beforeEach(() => {
    calls = 0;
  });

  it("streams output then one result; a redelivery of the finished job is acked silently", async () => {
    const s = setup(async (i) => {
      calls += 1;
      i.onOutput?.({ stream: "stdout", data: "a" });
      i.onOutput?.({ stream: "stdout", data: "b" });
      i.onOutput?.({ stream: "stderr", data: "e" });
      return ok("ab");
    });
    const job = await s.jobs.submit(userId, { ...submitInput, connectionId: "conn-1" });
    const m = await receiveOne(s.queue);
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    const types = s.notifier.sent.map((x) => x.message.type);
    expect(types.at(-1)).toBe("execution_result");
    const outputs = s.notifier.sent.filter((x) => x.message.type === "execution_output");
    // The first print goes out at once (leading edge); the rest is coalesced, in order.
    expect(outputs.map((x) => [x.message.stream, x.message.data])).toEqual([
      ["stdout", "a"],
      ["stdout", "b"],
      ["stderr", "e"],
    ]);
    expect(s.notifier.sent[0]?.target).toEqual({ connectionId: "conn-1", jobId: job.jobId });

    // The broker delivers it again (a lost ack): nothing runs, nothing is re-announced.
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    expect(calls).toBe(1);
    expect(s.notifier.results(job.jobId)).toHaveLength(1);
    expect(await row(job.jobId)).toMatchObject({ status: "completed", attempts: 1, request: null });
  });

  it("sends each figure as execution_figure after the output printed before it", async () => {
    const figure = { mime_type: "image/png" as const, data: "iVBORw0KGgo=" };
    const s = setup(async (i) => {
      i.onOutput?.({ stream: "stdout", data: "before\n" });
      i.onOutput?.({ stream: "stdout", data: "still before\n" });
      i.onFigure?.(figure);
      i.onOutput?.({ stream: "stdout", data: "after\n" });
      return executionResult({ stdout: "before\nstill before\nafter\n", figures: [figure] });
    });
    const job = await s.jobs.submit(userId, submitInput);
    expect(await s.processor.handle(await receiveOne(s.queue))).toEqual({ ack: true });
    const seen = s.notifier.sent.map((x) =>
      x.message.type === "execution_output" ? x.message.data : x.message.type,
    );
    expect(seen.join("|")).toBe(
      "before\n|still before\n|execution_figure|after\n|execution_result",
    );
    const sent = s.notifier.sent.find((x) => x.message.type === "execution_figure");
    expect(sent?.message).toEqual({ type: "execution_figure", job_id: job.jobId, ...figure });
    expect(s.notifier.results(job.jobId)[0]?.message.figures).toEqual([figure]);
  });

  it("retries a crashing run with back-off, then fails it with a clear error, announced once", async () => {
    const s = setup(async () => {
      calls += 1;
      throw new Error("sandbox could not start");
    });
    const job = await s.jobs.submit(userId, submitInput);
    const m = await receiveOne(s.queue);
    expect(await s.processor.handle(m)).toEqual({ ack: false, retryInSeconds: 2 });
    expect((await row(job.jobId))?.status).toBe("queued");
    expect(await s.processor.handle(m)).toEqual({ ack: false, retryInSeconds: 4 });
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    expect(calls).toBe(3);
    const failed = await row(job.jobId);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toBe("Execution failed after 3 attempts: sandbox could not start");
    const results = s.notifier.results(job.jobId);
    expect(results).toHaveLength(1);
    expect(results[0]?.message).toMatchObject({ success: false, error_type: "ExecutionFailed" });
  });

  it("a job whose worker died on its last attempt fails instead of staying running", async () => {
    const s = setup(async () => ok("never"), { maxAttempts: 2 });
    const job = await s.jobs.submit(userId, submitInput);
    // Two workers claimed it and vanished (SIGKILL): the row says running, attempts 2.
    await database.db
      .update(executions)
      .set({ status: "running", attempts: 2, startedAt: sql`now()` })
      .where(eq(executions.jobId, job.jobId));
    const m = await receiveOne(s.queue);
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    const failed = await row(job.jobId);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toMatch(/after 2 attempts: the worker running it stopped/);
    expect(s.notifier.results(job.jobId)).toHaveLength(1);
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    expect(s.notifier.results(job.jobId)).toHaveLength(1);
  });

  it("only the latest attempt may finish: a superseded worker stays silent", async () => {
    let release: (() => void) | undefined;
    const s = setup(async () => {
      calls += 1;
      if (calls === 1) await new Promise<void>((r) => (release = r));
      return ok(`run ${calls}`);
    });
    const job = await s.jobs.submit(userId, submitInput);
    const m = await receiveOne(s.queue);
    const first = s.processor.handle(m);
    await sleep(50);
    // Its lease lapsed while it hung; another consumer re-claims and finishes.
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    release?.();
    expect(await first).toEqual({ ack: true });
    const results = s.notifier.results(job.jobId);
    expect(results).toHaveLength(1);
    expect(results[0]?.message.stdout).toBe("run 2");
    expect(await row(job.jobId)).toMatchObject({ status: "completed", attempts: 2 });
  });

  it("a run-time rate limit puts the job back instead of failing it", async () => {
    const s = setup(async () => {
      throw new RateLimitedError(7);
    });
    const job = await s.jobs.submit(userId, submitInput);
    const m = await receiveOne(s.queue);
    expect(await s.processor.handle(m)).toEqual({ ack: false, retryInSeconds: 7 });
    // Postponed, not attempted: the attempt is given back.
    expect(await row(job.jobId)).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("an unknown job (row deleted) is acked", async () => {
    const s = setup(async () => ok(""));
    const m: ReceivedMessage<ExecutionJobMessage> = {
      body: { job_id: randomUUID(), user_id: userId },
      receiveCount: 1,
      handle: "x",
    };
    expect(await s.processor.handle(m)).toEqual({ ack: true });
  });
});

describe("cancel and input", () => {
  function withControl(execute: Execute) {
    const control = new LocalJobControl();
    const queue = new MemoryQueue<ExecutionJobMessage>({ leaseSeconds: 5 });
    const notifier = new FakeNotifier();
    const jobs = createExecutionJobService({
      db: database.db,
      queue,
      policy,
      logger,
      control,
      notifier,
      cancelWaitMs: 3000,
    });
    const processor = createExecutionJobProcessor({
      db: database.db,
      executor: { execute },
      notifier,
      control,
      snippets,
      logger,
      output: { flushMs: 5 },
    });
    return { control, queue, notifier, jobs, processor };
  }

  it("a queued job ends at once with Cancelled, announced once; its delivery then runs nothing", async () => {
    let calls = 0;
    const s = withControl(async () => {
      calls += 1;
      return ok("ran");
    });
    const job = await s.jobs.submit(userId, { ...submitInput, connectionId: "c-9" });
    const cancelled = await s.jobs.cancel(userId, job.jobId);
    expect(cancelled).toMatchObject({ status: "completed", request: null });
    expect(cancelled.result).toMatchObject({ success: false, error_type: "Cancelled" });
    expect(s.notifier.results(job.jobId)).toHaveLength(1);
    expect(s.notifier.results(job.jobId)[0]?.target).toEqual({
      connectionId: "c-9",
      jobId: job.jobId,
    });
    const delivered = await receiveOne(s.queue);
    expect(await s.processor.handle(delivered)).toEqual({ ack: true });
    await s.queue.ack(delivered);
    expect(calls).toBe(0);
    expect(s.notifier.results(job.jobId)).toHaveLength(1);
    // Someone else's job, or none: not found, nothing changes.
    await expect(s.jobs.cancel(randomUUID(), job.jobId)).rejects.toThrow(/not found/);
  });

  it("a running job gets the cancel and stdin through the control; a retry of it never runs", async () => {
    let runs = 0;
    const inputs: string[] = [];
    const s = withControl(async (i) => {
      runs += 1;
      i.onInputRequest?.("? ");
      i.input?.attach({ write: (d) => inputs.push(d), end: () => inputs.push("<eof>") });
      await new Promise<void>((resolve) => {
        if (i.signal?.aborted) resolve();
        i.signal?.addEventListener("abort", () => resolve());
      });
      return executionResult({ success: false, error_type: "Cancelled", stdout: "so far" });
    });
    const job = await s.jobs.submit(userId, { ...submitInput, interactive: true });
    const first = await receiveOne(s.queue);
    const handled = s.processor.handle(first);
    await vi.waitFor(() =>
      expect(s.notifier.sent.map((x) => x.message.type)).toContain("execution_input_request"),
    );
    await s.jobs.sendInput(userId, job.jobId, { action: "stdin", data: "4\n" });
    await s.jobs.sendInput(userId, job.jobId, { action: "stdin_close" });
    const ended = await s.jobs.cancel(userId, job.jobId, { wait: true });
    expect(await handled).toEqual({ ack: true });
    await s.queue.ack(first);
    expect(inputs).toEqual(["4\n", "<eof>"]);
    expect(ended).toMatchObject({ status: "completed" });
    expect(ended.result).toMatchObject({ error_type: "Cancelled", stdout: "so far" });
    await expect(
      s.jobs.sendInput(userId, job.jobId, { action: "stdin", data: "late" }),
    ).rejects.toThrow(/finished/);

    // A job left running by a dead worker and cancelled: its redelivery finishes it unrun.
    const orphan = await s.jobs.submit(userId, submitInput);
    const m = await receiveOne(s.queue);
    await database.db
      .update(executions)
      .set({ status: "running" })
      .where(eq(executions.jobId, orphan.jobId));
    await s.jobs.cancel(userId, orphan.jobId);
    expect(await s.processor.handle(m)).toEqual({ ack: true });
    expect(runs).toBe(1);
    expect((await row(orphan.jobId))?.result).toMatchObject({ error_type: "Cancelled" });
  });

  it("refuses input for a job that is not interactive", async () => {
    const s = withControl(async () => ok(""));
    const job = await s.jobs.submit(userId, submitInput);
    await expect(
      s.jobs.sendInput(userId, job.jobId, { action: "stdin", data: "x" }),
    ).rejects.toThrow(/not interactive/);
  });
});

describe("submitting", () => {
  it("never loses a job: a failed enqueue marks it failed and answers 503", async () => {
    const notifier = new FakeNotifier();
    const jobs = createExecutionJobService({
      db: database.db,
      queue: {
        enqueue: async () => {
          throw new Error("broker down");
        },
      },
      policy,
      logger,
    });
    await expect(jobs.submit(userId, submitInput)).rejects.toBeInstanceOf(UnavailableError);
    const [failed] = await database.db
      .select()
      .from(executions)
      .where(eq(executions.status, "failed"))
      .orderBy(sql`created_at desc`)
      .limit(1);
    expect(failed?.error).toMatch(/queue is unavailable/);
    expect(notifier.sent).toEqual([]);
  });

  it("limits jobs per user per minute, with the seconds to wait", async () => {
    const other = await upsertUserFromIdentity(database.db, {
      sub: `u-${randomUUID()}`,
      email: "limited@example.com",
      username: null,
    });
    const jobs = createExecutionJobService({
      db: database.db,
      queue: new MemoryQueue(),
      policy: createRequestPolicy({
        snippets,
        maxCodeBytes: 65_536,
        maxTimeoutSeconds: 10,
        budget: createExecutionBudget(database, 2),
      }),
      logger,
    });
    const first = await jobs.submit(other.id, submitInput);
    const second = await jobs.submit(other.id, submitInput);
    const err = await jobs.submit(other.id, submitInput).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect((err as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    // Nobody consumes that queue: left `queued`, these would be another user waiting for
    // a turn (fair-turns.test.ts), and the worker-loop test's jobs would give way to them.
    await jobs.cancel(other.id, first.jobId);
    await jobs.cancel(other.id, second.jobId);
  });
});

describe("the worker loop", () => {
  it("renews the lease of a long run (no second delivery) and re-enqueues stale jobs", async () => {
    let calls = 0;
    const s = setup(async () => {
      calls += 1;
      await sleep(2500); // well past the 1 s lease
      return ok("slow");
    });
    const job = await s.jobs.submit(userId, submitInput);
    // Jobs whose enqueue never happened: a crash right after the insert (queued), and a
    // process that died mid-run with its memory queue (running).
    const crashed = createExecutionJobService({
      db: database.db,
      queue: { enqueue: async () => {} },
      policy,
      logger,
    });
    const lost = await crashed.submit(userId, submitInput);
    const orphan = await crashed.submit(userId, submitInput);
    await database.db
      .update(executions)
      .set({ createdAt: sql`now() - interval '10 minutes'` })
      .where(eq(executions.jobId, lost.jobId));
    await database.db
      .update(executions)
      .set({ status: "running", attempts: 1, startedAt: sql`now() - interval '10 minutes'` })
      .where(eq(executions.jobId, orphan.jobId));

    const worker = startExecutionJobWorker({
      queue: s.queue,
      processor: s.processor,
      concurrency: 2,
      logger,
      pollWaitMs: 200,
    });
    for (let i = 0; i < 100 && (await row(lost.jobId))?.status !== "completed"; i++)
      await sleep(100);
    for (let i = 0; i < 100 && (await row(job.jobId))?.status !== "completed"; i++)
      await sleep(100);
    for (let i = 0; i < 100 && (await row(orphan.jobId))?.status !== "completed"; i++)
      await sleep(100);
    await worker.stop(5000);
    expect((await row(job.jobId))?.status).toBe("completed");
    expect((await row(lost.jobId))?.status).toBe("completed");
    expect((await row(job.jobId))?.attempts).toBe(1);
    expect(await row(orphan.jobId)).toMatchObject({ status: "completed", attempts: 2 });
    expect(calls).toBe(3);
  });
});
