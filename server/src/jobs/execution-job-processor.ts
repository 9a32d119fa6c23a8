// Async execution, worker side: one queue message → one run, announced at most once.
// At-least-once delivery is made safe by the database: a delivery first *claims* the job
// (queued|running → running, attempts+1, refused once attempts are used up or it has
// finished), and only the holder of the latest attempt may *finish* it. So a redelivery
// of a finished job is acked silently, a worker killed mid-run leaves a `running` row the
// next delivery re-claims, and after `maxAttempts` the job fails with a clear error —
// each of those transitions announces the one execution_result of the job.
// Fair turns (issue 10 item 5): before claiming, a queued job whose owner is ahead of
// another waiting user (repo.othersGoFirst, read from the jobs table so every worker and
// queue adapter agrees) hands its message back for DEFER_SECONDS without using an attempt;
// the worker's next receive reaches the other user's message. While a FIFO group's head is
// handed back the whole group waits, so the owner's own jobs keep their order.
import type { Logger } from "pino";
import type { ExecuteInput } from "../execution/executor-service.js";
import { LiveInput } from "../execution/sandbox/live-input.js";
import type { ExecutionResult } from "../execution/sandbox/sandbox.js";
import type { Db } from "../platform/db/database.js";
import type { ExecutionRow } from "../platform/db/schema/index.js";
import { NotFoundError, RateLimitedError, SecurityViolationError } from "../platform/errors.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import * as repo from "./execution-job-repo.js";
import { CANCELLED_MESSAGE, failureResult } from "./execution-job-service.js";
import type { ExecutionJobMessage, JobQueue, ReceivedMessage } from "./queue/job-queue.js";
import type { HandlerOutcome } from "./queue/queue-consumer.js";
import type { JobCommand, JobControl } from "./realtime/job-control.js";
import type { Notifier } from "./realtime/notifier.js";
import { OutputBatcher } from "./realtime/output-batcher.js";

export interface ExecutionJobProcessorDeps {
  db: Db;
  executor: { execute(input: ExecuteInput): Promise<ExecutionResult> };
  notifier: Pick<Notifier, "publish">;
  snippets: Pick<SnippetService, "recordExecution">;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /** Cancel and input from the job's owner, wherever they were sent from. */
  control?: Pick<JobControl, "attach">;
  /** Runs per job before it is failed; keep it below the SQS DLQ's maxReceiveCount. */
  maxAttempts?: number;
  /** The queue's maxReceiveCount (undefined: no dead-letter queue). A fair-turn deferral is
   * a delivery too, so deferrals stop while enough deliveries are left for every attempt. */
  maxDeliveries?: number | undefined;
  output?: { flushMs?: number; maxBytes?: number };
}

export interface ExecutionJobProcessor {
  handle(message: ReceivedMessage<ExecutionJobMessage>): Promise<HandlerOutcome>;
  /** Re-enqueues jobs abandoned by a crash (see findStaleJobs); returns how many. */
  recoverStale(queue: Pick<JobQueue<ExecutionJobMessage>, "enqueue">): Promise<number>;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
/** A job cannot legitimately run longer than the 30 s timeout plus start-up and slack. */
const RUNNING_STALE_MS = 120_000;
const QUEUED_STALE_MS = 60_000;
const ACK: HandlerOutcome = { ack: true };
/** How long a deferred job's message stays invisible (SQS counts whole seconds). */
export const DEFER_SECONDS = 1;
/** Deferrals of one message at most, even on a queue without a dead-letter queue: past
 * that the job runs in queue order, so a waiting user whose message is lost (until the stale
 * sweep) or in a retry back-off delays the others by a bounded time only. */
export const MAX_DEFERRALS = 20;
const STORE_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the owner sends to a job while this process holds it. */
class LiveRun {
  readonly abort = new AbortController();
  readonly input = new LiveInput();

  apply(c: JobCommand): void {
    if (c.action === "cancel") this.abort.abort();
    else if (c.action === "stdin") this.input.write(c.data);
    else this.input.close();
  }
}

function violationResult(err: SecurityViolationError): ExecutionResult {
  return {
    ...failureResult(err.message, "SecurityError"),
    security_violations: err.violations,
  };
}

export function createExecutionJobProcessor(
  deps: ExecutionJobProcessorDeps,
): ExecutionJobProcessor {
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const { db, logger } = deps;
  // Deliveries a message can take: its deferrals, then one per attempt, then the delivery
  // that finds the attempts used up and fails the job — all before the broker dead-letters it.
  const deferUpTo = Math.min(
    MAX_DEFERRALS,
    (deps.maxDeliveries ?? Number.POSITIVE_INFINITY) - maxAttempts - 1,
  );

  const targetOf = (row: ExecutionRow) => ({
    connectionId: row.connectionId ?? undefined,
    jobId: row.jobId,
  });

  async function announce(row: ExecutionRow, result: unknown): Promise<void> {
    try {
      await deps.notifier.publish(
        row.userId,
        { type: "execution_result", job_id: row.jobId, ...(result as ExecutionResult) },
        targetOf(row),
      );
    } catch (err) {
      // The result is stored; a client that missed it reads GET /executions/{id}.
      logger.warn({ err, job_id: row.jobId }, "could not announce an execution result");
    }
  }

  /** The job cannot be (re)claimed: finished already (a duplicate), or out of attempts. */
  async function unclaimable(jobId: string): Promise<HandlerOutcome> {
    const row = await repo.findJob(db, jobId);
    if (!row || row.status === "completed" || row.status === "failed") return ACK;
    const error = `Execution failed after ${row.attempts} attempts: the worker running it stopped before finishing`;
    const failed = await repo.failJob(db, jobId, error, failureResult(error));
    if (failed) {
      logger.warn({ job_id: jobId, attempts: row.attempts }, "execution job gave up");
      await announce(failed, failed.result);
    }
    return ACK;
  }

  /**
   * Stores the result of a run that happened. Whatever goes wrong here, the program has run:
   * the message is acked and the job is never run again for a storage problem (issue 10).
   * A result the database refuses is replaced by a failure saying so; a database that is
   * down is retried (the write, not the run) while the lease is renewed.
   */
  async function storeOutcome(
    jobId: string,
    attempt: number,
    result: ExecutionResult,
  ): Promise<ExecutionRow | undefined> {
    let lastError: unknown;
    for (let i = 0; i < STORE_ATTEMPTS; i++) {
      try {
        return await repo.finishJob(db, jobId, attempt, {
          status: "completed",
          result,
          error: null,
        });
      } catch (err) {
        lastError = err;
        logger.error({ err, job_id: jobId, attempt }, "could not store an execution result");
      }
      const message = "The program ran, but its result could not be stored";
      try {
        return await repo.finishJob(db, jobId, attempt, {
          status: "failed",
          result: failureResult(message, "StorageError"),
          error: message,
        });
      } catch (err) {
        lastError = err;
      }
      await sleep(Math.min(8_000, 250 * 2 ** i));
    }
    // The database stayed down through every write (~15 s): ack rather than hand the
    // message back for an immediate second run; the row stays `running`, and the stale
    // sweep treats it as it treats a crashed worker's job once the database is back.
    logger.error({ err: lastError, job_id: jobId }, "gave up storing an execution result");
    return undefined;
  }

  async function run(row: ExecutionRow, live: LiveRun): Promise<HandlerOutcome> {
    const request = row.request as repo.StoredRequest | null;
    const attempt = row.attempts;
    if (!request) {
      const failed = await repo.finishJob(db, row.jobId, attempt, {
        status: "failed",
        error: "The job has no stored request",
        result: failureResult("The job has no stored request"),
      });
      if (failed) await announce(failed, failed.result);
      return ACK;
    }
    const batcher = new OutputBatcher({
      ...deps.output,
      emit: ({ stream, data }) =>
        deps.notifier.publish(
          row.userId,
          { type: "execution_output", job_id: row.jobId, stream, data },
          targetOf(row),
        ),
    });
    const publishAfterOutput = (message: { type: string; [k: string]: unknown }) =>
      batcher.after(() => deps.notifier.publish(row.userId, message, targetOf(row)));
    const interactive = request.interactive === true;
    let result: ExecutionResult;
    try {
      // Cancelled while queued behind a crash, or before this attempt got going.
      if (request.cancelled || live.abort.signal.aborted) {
        throw Object.assign(new Error(CANCELLED_MESSAGE), { cancelled: true });
      }
      result = await deps.executor.execute({
        userId: row.userId,
        jobId: row.jobId,
        code: request.code,
        stdin: request.stdin,
        timeoutSeconds: request.timeout_seconds,
        signal: live.abort.signal,
        ...(interactive
          ? {
              input: live.input,
              onInputRequest: (prompt: string) =>
                publishAfterOutput({ type: "execution_input_request", job_id: row.jobId, prompt }),
            }
          : {}),
        onOutput: (chunk) => batcher.push(chunk),
        onFigure: (figure) =>
          publishAfterOutput({ type: "execution_figure", job_id: row.jobId, ...figure }),
      });
    } catch (err) {
      await batcher.finish().catch(() => {});
      if ((err as { cancelled?: boolean }).cancelled) {
        result = failureResult(CANCELLED_MESSAGE, "Cancelled");
      } else if (err instanceof SecurityViolationError) {
        result = violationResult(err);
      } else if (err instanceof RateLimitedError) {
        // Admission happens at submit; should a run-time limit still bite, wait, don't fail.
        await repo.requeueJob(db, row.jobId, attempt, { refund: true });
        return { ack: false, retryInSeconds: err.retryAfterSeconds };
      } else {
        logger.error({ err, job_id: row.jobId, attempt }, "execution attempt failed");
        if (attempt < maxAttempts && (await repo.requeueJob(db, row.jobId, attempt))) {
          return { ack: false, retryInSeconds: 2 ** attempt };
        }
        const error = `Execution failed after ${attempt} attempts: ${(err as Error).message ?? err}`;
        const failed = await repo.finishJob(db, row.jobId, attempt, {
          status: "failed",
          error,
          result: failureResult(error),
        });
        if (failed) await announce(failed, failed.result);
        return ACK;
      }
    }
    await batcher.finish().catch((err: unknown) => {
      logger.warn({ err, job_id: row.jobId }, "could not stream some execution output");
    });
    const finished = await storeOutcome(row.jobId, attempt, result);
    // Not finished here means a newer attempt owns the job: stay silent, it will announce.
    if (!finished) return ACK;
    await announce(finished, result);
    if (finished.snippetId) {
      await deps.snippets.recordExecution(finished.userId, finished.snippetId).catch((err) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
    }
    return ACK;
  }

  return {
    async handle(message) {
      if (
        message.receiveCount <= deferUpTo &&
        (await repo.othersGoFirst(db, message.body.job_id))
      ) {
        return { ack: false, retryInSeconds: DEFER_SECONDS };
      }
      // Listen before claiming: a command sent once the job shows `running` finds us.
      const live = new LiveRun();
      const detach = deps.control?.attach(message.body.job_id, (c) => live.apply(c));
      try {
        const claimed = await repo.claimJob(db, message.body.job_id, maxAttempts);
        if (!claimed) return await unclaimable(message.body.job_id);
        return await run(claimed, live);
      } finally {
        detach?.();
      }
    },
    async recoverStale(queue) {
      const stale = await repo.findStaleJobs(db, {
        queuedBefore: new Date(Date.now() - QUEUED_STALE_MS),
        runningBefore: new Date(Date.now() - RUNNING_STALE_MS),
        limit: 100,
      });
      for (const job of stale) {
        await queue.enqueue(
          { job_id: job.jobId, user_id: job.userId },
          { groupId: job.userId, dedupId: job.jobId },
        );
      }
      if (stale.length > 0) logger.info({ count: stale.length }, "re-enqueued stale jobs");
      return stale.length;
    },
  };
}
