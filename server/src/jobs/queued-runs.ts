// Synchronous runs for a process without a sandbox (SANDBOX=none): POST /execute becomes a
// job on the queue, and the request waits for the worker's result. The job row in the
// database is the meeting point, so this works whichever process or Lambda runs the job:
// the wait polls it, quickly at first, then every POLL_MAX_MS. The run service admitted the
// run already (request-policy.ts), so it is queued without a second admission.
import type { ExecuteInput } from "../execution/executor-service.js";
import type { ExecutionResult } from "../execution/sandbox/sandbox.js";
import { SecurityViolationError, UnavailableError } from "../platform/errors.js";
import type { ExecutionJobService } from "./execution-job-service.js";

const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 250;

export interface QueuedRunsDeps {
  /** The job service, resolved at the first run (it is composed after the execution area). */
  jobs: () => Pick<ExecutionJobService, "submitAdmitted" | "findOwned" | "cancel">;
  /** How long to wait for the execution tier beyond the run's own timeout. */
  waitBeyondTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An executor (the shape run-service.ts needs) that hands each run to the job queue. */
export function createQueuedExecutor(deps: QueuedRunsDeps) {
  const sleep = deps.sleep ?? defaultSleep;
  return {
    async execute(i: ExecuteInput): Promise<ExecutionResult> {
      const jobs = deps.jobs();
      const row = await jobs.submitAdmitted(i.userId, {
        code: i.code,
        stdin: i.stdin ?? "",
        timeoutSeconds: i.timeoutSeconds,
      });
      // The client went away: stop the job too, wherever it runs (its sandbox is freed).
      const cancel = () => void jobs.cancel(i.userId, row.jobId).catch(() => {});
      if (i.signal?.aborted) cancel();
      else i.signal?.addEventListener("abort", cancel, { once: true });
      const deadline = Date.now() + i.timeoutSeconds * 1000 + deps.waitBeyondTimeoutMs;
      let pause = POLL_FIRST_MS;
      for (;;) {
        const job = await jobs.findOwned(i.userId, row.jobId);
        if (job && (job.status === "completed" || job.status === "failed") && job.result) {
          const result = job.result as ExecutionResult;
          // The seed's 400 for a program the policy refused, as when run in-process.
          if (result.security_violations.length > 0) {
            throw new SecurityViolationError(
              result.security_violations,
              result.error ?? "Code violates the security policy",
            );
          }
          return result;
        }
        if (Date.now() >= deadline || i.signal?.aborted) break;
        await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
        pause = Math.min(POLL_MAX_MS, pause * 2);
      }
      throw new UnavailableError(
        `The execution workers did not finish the run in time; it continues as job ${row.jobId} (GET /executions/${row.jobId})`,
      );
    },
  };
}
