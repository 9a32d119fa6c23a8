// Async execution, request side: admit a job through the request policy shared with
// POST /execute (sizes, timeout, ownership, the per-user budget shared by every process
// through the database), store it, then queue it; read it back for its owner.
// Store-then-enqueue: a crash between the two leaves a `queued` row that the sweeper of
// execution-job-processor.ts re-enqueues, so an accepted job is never lost; the reverse
// order could run a job whose row does not exist yet.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { AdmittedRun, RequestPolicy, RunRequest } from "../execution/request-policy.js";
import type { ExecutionResult } from "../execution/sandbox/sandbox.js";
import type { Db } from "../platform/db/database.js";
import type { ExecutionRow } from "../platform/db/schema/index.js";
import { ConflictError, NotFoundError, UnavailableError } from "../platform/errors.js";
import * as repo from "./execution-job-repo.js";
import type { ExecutionJobMessage, JobQueue } from "./queue/job-queue.js";
import type { ConnectionBindings } from "./realtime/connection-registry.js";
import type { JobCommand, JobControl } from "./realtime/job-control.js";
import type { Notifier } from "./realtime/notifier.js";

/** Where the job's output goes and how it reads input. */
export interface JobDelivery {
  connectionId?: string | undefined;
  interactive?: boolean | undefined;
}

export type SubmitInput = RunRequest & JobDelivery;

export interface ExecutionJobServiceDeps {
  db: Db;
  queue: Pick<JobQueue<ExecutionJobMessage>, "enqueue">;
  /** The request policy shared with POST /execute (execution/request-policy.ts). */
  policy: Pick<RequestPolicy, "admit">;
  logger: Pick<Logger, "error">;
  /** Binds a named connection to the submitter; a connection of someone else's is a 404. */
  connections?: Pick<ConnectionBindings, "claim">;
  /** Carries cancel and input to the process running a job (none: only queued jobs cancel). */
  control?: Pick<JobControl, "send">;
  /** Announces the result of a job cancelled before it started. */
  notifier?: Pick<Notifier, "publish">;
  now?: () => number;
  /** How long cancel() waits for a running job to end before answering. */
  cancelWaitMs?: number;
}

export interface ExecutionJobService {
  /** Admits the run (the request policy), then stores and queues it. */
  submit(userId: string, input: SubmitInput): Promise<ExecutionRow>;
  /** Stores and queues a run the policy already admitted (a synchronous run handed to the
   * workers by jobs/queued-runs.ts): admitting it again would take the budget twice. */
  submitAdmitted(userId: string, run: AdmittedRun & JobDelivery): Promise<ExecutionRow>;
  /** The user's job; NotFound for a job of someone else, exactly as for none. */
  get(userId: string, jobId: string): Promise<ExecutionRow>;
  /** The user's job or undefined (the WebSocket answers with a message, not an exception). */
  findOwned(userId: string, jobId: string): Promise<ExecutionRow | undefined>;
  /**
   * Ends the user's job: a queued one at once (its result announced here), a running one
   * through the process running it; with `wait`, resolves once it has ended (or the wait
   * is over) with the row as it then is. A finished job is returned unchanged.
   */
  cancel(userId: string, jobId: string, opts?: { wait?: boolean }): Promise<ExecutionRow>;
  /** Passes input (or its end) to the user's running interactive job. */
  sendInput(userId: string, jobId: string, command: JobCommand): Promise<void>;
}

export const CANCELLED_MESSAGE = "Execution was cancelled";
const CANCEL_POLL_MS = 20;
const isFinished = (row: ExecutionRow) => row.status === "completed" || row.status === "failed";

/** The ExecutionResponse of a job that failed for a reason other than the program itself. */
export function failureResult(message: string, errorType = "ExecutionFailed"): ExecutionResult {
  return {
    success: false,
    stdout: "",
    stderr: "",
    error: message,
    error_type: errorType,
    execution_time_ms: 0,
    timed_out: false,
    truncated: false,
    security_violations: [],
    figures: [],
  };
}

export function createExecutionJobService(deps: ExecutionJobServiceDeps): ExecutionJobService {
  const now = deps.now ?? Date.now;

  const findOwned = (userId: string, jobId: string) => repo.findOwnedJob(deps.db, userId, jobId);
  async function get(userId: string, jobId: string): Promise<ExecutionRow> {
    const row = await findOwned(userId, jobId);
    if (!row) throw new NotFoundError("Execution not found");
    return row;
  }

  async function waitFinished(row: ExecutionRow, ms: number): Promise<ExecutionRow> {
    const until = now() + ms;
    let current = row;
    while (!isFinished(current) && now() < until) {
      await new Promise((r) => setTimeout(r, CANCEL_POLL_MS));
      current = (await repo.findJob(deps.db, row.jobId)) ?? current;
    }
    return current;
  }

  async function submitAdmitted(
    userId: string,
    input: AdmittedRun & JobDelivery,
  ): Promise<ExecutionRow> {
    if (input.connectionId && deps.connections) {
      if (!(await deps.connections.claim(input.connectionId, userId))) {
        throw new NotFoundError("Connection not found");
      }
    }
    const row = await repo.insertJob(deps.db, {
      userId,
      snippetId: input.snippetId ?? null,
      codeSha256: createHash("sha256").update(input.code).digest("hex"),
      request: {
        code: input.code,
        stdin: input.stdin,
        timeout_seconds: input.timeoutSeconds,
        ...(input.interactive ? { interactive: true } : {}),
      },
      connectionId: input.connectionId ?? null,
    });
    try {
      await deps.queue.enqueue(
        { job_id: row.jobId, user_id: userId },
        { groupId: userId, dedupId: row.jobId },
      );
    } catch (err) {
      deps.logger.error({ err, job_id: row.jobId }, "could not enqueue an execution job");
      const message = "The job queue is unavailable; the job was not run";
      await repo.failJob(deps.db, row.jobId, message, failureResult(message)).catch(() => {});
      throw new UnavailableError("The job queue is unavailable, try again later");
    }
    return row;
  }

  return {
    async submit(userId, input) {
      const run = await deps.policy.admit(userId, input);
      return submitAdmitted(userId, {
        ...run,
        connectionId: input.connectionId,
        interactive: input.interactive,
      });
    },
    submitAdmitted,
    get,
    findOwned,
    async cancel(userId, jobId, opts = {}) {
      const row = await get(userId, jobId);
      if (isFinished(row)) return row;
      if (row.status === "queued") {
        const result = failureResult(CANCELLED_MESSAGE, "Cancelled");
        const done = await repo.cancelQueuedJob(deps.db, jobId, result);
        if (done) {
          await deps.notifier
            ?.publish(
              userId,
              { type: "execution_result", job_id: jobId, ...result },
              { connectionId: done.connectionId ?? undefined, jobId },
            )
            .catch(() => {}); // stored: a client that missed it reads GET /executions/{id}
          return done;
        }
      }
      // Running (or claimed since): the mark stops any retry, the command stops this run.
      await repo.markCancelled(deps.db, jobId);
      await deps.control?.send(jobId, { action: "cancel" });
      return opts.wait ? waitFinished(row, deps.cancelWaitMs ?? 2000) : row;
    },
    async sendInput(userId, jobId, command) {
      const row = await get(userId, jobId);
      if (isFinished(row)) throw new ConflictError("The execution has finished");
      if (!(row.request as repo.StoredRequest | null)?.interactive) {
        throw new ConflictError("The execution is not interactive");
      }
      await deps.control?.send(jobId, command);
    },
  };
}
