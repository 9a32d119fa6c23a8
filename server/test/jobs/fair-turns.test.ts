// Fair turns between users across the workers of the shared job queue (issue 10 item 5), on
// real PGlite and real PostgreSQL: the turn is read from the jobs table, so two workers that
// share nothing but the database and the queue still let a newcomer's single job overtake
// other users' backlogs. The executor is a stand-in that records the order in which runs
// start (what is asserted — never the time they took) and holds them while asked to.
import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertUserFromIdentity } from "../../src/auth/user-repo.js";
import type { ExecuteInput } from "../../src/execution/executor-service.js";
import { createRequestPolicy } from "../../src/execution/request-policy.js";
import {
  createExecutionJobProcessor,
  DEFER_SECONDS,
  type ExecutionJobProcessor,
} from "../../src/jobs/execution-job-processor.js";
import { othersGoFirst } from "../../src/jobs/execution-job-repo.js";
import { createExecutionJobService } from "../../src/jobs/execution-job-service.js";
import { startExecutionJobWorker } from "../../src/jobs/execution-job-worker.js";
import type { ExecutionJobMessage } from "../../src/jobs/queue/job-queue.js";
import { MemoryQueue } from "../../src/jobs/queue/memory-queue.js";
import type { HandlerOutcome } from "../../src/jobs/queue/queue-consumer.js";
import type { Database } from "../../src/platform/db/database.js";
import { executions } from "../../src/platform/db/schema/index.js";
import { createTestDatabase, DRIVERS, type TestDatabase } from "../helpers/databases.js";
import { executionResult } from "../helpers/execution-result.js";
import { sleep } from "./ws-client.js";

const logger = pino({ level: "silent" });
const snippets = { assertOwned: async () => {}, recordExecution: async () => {} };
const policy = createRequestPolicy({ snippets, maxCodeBytes: 65_536, maxTimeoutSeconds: 10 });
const input = { code: "print(1)", stdin: "", timeoutSeconds: 5 };
const notifier = { publish: async () => {} };

describe.each(DRIVERS)("fair turns across workers (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: Database;

  const newUser = async (name: string) =>
    (
      await upsertUserFromIdentity(database.db, {
        sub: `u-${randomUUID()}`,
        email: `${name}-${randomUUID()}@example.com`,
        username: null,
      })
    ).id;

  /** The jobs service and `workers` processors sharing one queue and the database. */
  function cluster(execute: (i: ExecuteInput) => Promise<unknown>, maxDeliveries = 25) {
    const queue = new MemoryQueue<ExecutionJobMessage>({
      leaseSeconds: 5,
      maxReceiveCount: maxDeliveries,
    });
    const jobs = createExecutionJobService({ db: database.db, queue, policy, logger });
    const outcomes: HandlerOutcome[] = [];
    const processor = (): ExecutionJobProcessor => {
      const p = createExecutionJobProcessor({
        db: database.db,
        executor: { execute: async (i) => executionResult({ stdout: String(await execute(i)) }) },
        notifier,
        snippets,
        logger,
        maxDeliveries,
      });
      return {
        ...p,
        handle: async (m) => {
          const outcome = await p.handle(m);
          outcomes.push(outcome);
          return outcome;
        },
      };
    };
    return { queue, jobs, processor, outcomes };
  }

  const statuses = async (ids: string[]) =>
    database.db
      .select({ jobId: executions.jobId, status: executions.status, attempts: executions.attempts })
      .from(executions)
      .where(inArray(executions.jobId, ids));

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = testDb.database;
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it("the turn rule: a backlog gives way to a user with at most half as many jobs; never a lone user", async () => {
    const [a, b] = [await newUser("a"), await newUser("b")];
    const { jobs } = cluster(async () => "");
    const a1 = await jobs.submit(a, input);
    const a2 = await jobs.submit(a, input);
    const a3 = await jobs.submit(a, input);
    const b1 = await jobs.submit(b, input);
    // b's single job against a's three: too few to be a backlog (BACKLOG_MARGIN).
    expect(await othersGoFirst(database.db, a1.jobId)).toBe(false);
    await jobs.cancel(b, b1.jobId);
    const a4 = await jobs.submit(a, input);
    // Alone, a's backlog never waits.
    expect(await othersGoFirst(database.db, a1.jobId)).toBe(false);
    const b1b = await jobs.submit(b, input);
    // b's single job against a's four: a gives way, b never does.
    expect(await othersGoFirst(database.db, a1.jobId)).toBe(true);
    expect(await othersGoFirst(database.db, b1b.jobId)).toBe(false);
    // Running jobs count too: a1 running is still one of a's.
    await database.db
      .update(executions)
      .set({ status: "running", attempts: 1, startedAt: sql`now()` })
      .where(eq(executions.jobId, a1.jobId));
    expect(await othersGoFirst(database.db, a2.jobId)).toBe(true);
    // Only a queued job ever waits: a re-claim after a crash (running) or a finished job not.
    expect(await othersGoFirst(database.db, a1.jobId)).toBe(false);
    // Backlogs of similar size (4 against 2) keep queue order: no hand-backs between them.
    const b2 = await jobs.submit(b, input);
    expect(await othersGoFirst(database.db, a2.jobId)).toBe(false);
    expect(await othersGoFirst(database.db, b2.jobId)).toBe(false);
    // A user with nothing queued is not waiting, however little it runs.
    await jobs.cancel(b, b1b.jobId);
    await jobs.cancel(b, b2.jobId);
    await database.db
      .update(executions)
      .set({ status: "completed" })
      .where(eq(executions.jobId, a1.jobId));
    expect(await othersGoFirst(database.db, a2.jobId)).toBe(false);
    for (const j of [a2, a3, a4]) await jobs.cancel(a, j.jobId);
  });

  it("a newcomer's single job starts after at most one job per slot, not after the backlogs", async () => {
    const flooders = [await newUser("flood-a"), await newUser("flood-b")];
    const victim = await newUser("victim");
    const started: { userId: string; jobId: string | undefined }[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const c = cluster(async (i) => {
      started.push({ userId: i.userId, jobId: i.jobId });
      await held;
      await sleep(5);
      return i.jobId;
    });
    const slots = 2;
    const flood: { jobId: string; userId: string }[] = [];
    for (let k = 0; k < 5; k++)
      for (const u of flooders) flood.push({ ...(await c.jobs.submit(u, input)), userId: u });
    // Two workers of one slot each: nothing shared but the queue and the database.
    const workers = Array.from({ length: slots }, () =>
      startExecutionJobWorker({
        queue: c.queue,
        processor: c.processor(),
        concurrency: 1,
        logger,
        pollWaitMs: 100,
        sweepEveryMs: 60_000,
      }),
    );
    try {
      while (started.length < slots) await sleep(10);
      const mine = await c.jobs.submit(victim, input);
      release();
      const all = [...flood.map((j) => j.jobId), mine.jobId];
      for (let i = 0; i < 600; i++) {
        const rows = await statuses(all);
        if (rows.every((r) => r.status === "completed")) break;
        await sleep(50);
      }
      const rows = await statuses(all);
      expect(rows.map((r) => r.status)).toEqual(all.map(() => "completed"));
      // Only the runs holding the slots when it arrived went before it; in queue order it
      // would have waited for all ten.
      expect(started.findIndex((s) => s.userId === victim)).toBeLessThanOrEqual(slots);
      // Waiting for a turn is not an attempt.
      expect(rows.map((r) => r.attempts)).toEqual(all.map(() => 1));
      expect(c.outcomes.some((o) => !o.ack && o.retryInSeconds === DEFER_SECONDS)).toBe(true);
      // Each backlog kept its own order.
      for (const u of flooders) {
        expect(started.filter((s) => s.userId === u).map((s) => s.jobId)).toEqual(
          flood.filter((j) => j.userId === u).map((j) => j.jobId),
        );
      }
    } finally {
      release();
      for (const w of workers) await w.stop(5000);
      await c.queue.close();
    }
  });

  it("a lone user's backlog is never deferred", async () => {
    const alone = await newUser("alone");
    const c = cluster(async () => "");
    const ids: string[] = [];
    for (let k = 0; k < 6; k++) ids.push((await c.jobs.submit(alone, input)).jobId);
    const worker = startExecutionJobWorker({
      queue: c.queue,
      processor: c.processor(),
      concurrency: 2,
      logger,
      pollWaitMs: 100,
      sweepEveryMs: 60_000,
    });
    try {
      for (let i = 0; i < 600; i++) {
        if ((await statuses(ids)).every((r) => r.status === "completed")) break;
        await sleep(50);
      }
    } finally {
      await worker.stop(5000);
      await c.queue.close();
    }
    expect((await statuses(ids)).map((r) => r.status)).toEqual(ids.map(() => "completed"));
    expect(c.outcomes).toEqual(ids.map(() => ({ ack: true })));
  });

  it("defers without an attempt, and stops deferring while the deliveries left are needed", async () => {
    const [busy, waiting] = [await newUser("busy"), await newUser("waiting")];
    // maxReceiveCount 5 and 3 attempts: one deferral, then 3 attempts and a last delivery.
    const c = cluster(async () => "ran", 5);
    const first = await c.jobs.submit(busy, input);
    const second = await c.jobs.submit(busy, input);
    for (let k = 0; k < 2; k++) await c.jobs.submit(busy, input);
    await c.jobs.submit(waiting, input);
    await database.db
      .update(executions)
      .set({ status: "running", attempts: 1, startedAt: sql`now()` })
      .where(eq(executions.jobId, first.jobId));
    const p = c.processor();
    const body = { job_id: second.jobId, user_id: busy };
    expect(await p.handle({ body, receiveCount: 1, handle: "h1" })).toEqual({
      ack: false,
      retryInSeconds: DEFER_SECONDS,
    });
    expect(await statuses([second.jobId])).toEqual([
      { jobId: second.jobId, status: "queued", attempts: 0 },
    ]);
    // Its second delivery runs it: four deliveries must stay for the attempts.
    expect(await p.handle({ body, receiveCount: 2, handle: "h2" })).toEqual({ ack: true });
    expect(await statuses([second.jobId])).toEqual([
      { jobId: second.jobId, status: "completed", attempts: 1 },
    ]);
  });
});
