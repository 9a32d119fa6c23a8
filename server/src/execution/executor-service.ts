// The execution use case: run an admitted request (request-policy.ts admitted it: sizes,
// ownership, budget) in the sandbox with the static policy on, turn a refusal into
// SecurityViolationError, and write one audit line per run (SECURITY.md: time, job id,
// user id, sha256 of the code — never the code itself).
import { hash } from "node:crypto";
import type { Logger } from "pino";
import { AppError, SecurityViolationError, UnavailableError } from "../platform/errors.js";
import { wellFormed, wellFormedDeep } from "../platform/text.js";
import type { FairScheduler } from "./fair-scheduler.js";
import type { LiveInput } from "./sandbox/live-input.js";
import type { ExecutionResult, Figure, OutputChunk, Sandbox } from "./sandbox/sandbox.js";

export interface ExecuteInput {
  userId: string;
  jobId: string;
  code: string;
  stdin?: string;
  timeoutSeconds: number;
  onOutput?: (c: OutputChunk) => void;
  onFigure?: (f: Figure) => void;
  /** An interactive run's input, and the announcement that it waits for some. */
  input?: LiveInput;
  onInputRequest?: (prompt: string) => void;
  signal?: AbortSignal;
}

export type AuditOutcome = "success" | "failure" | "timeout" | "violation";

/** Retry-After of a 503 for a sandbox that failed: its host restarts on the next call. */
const SANDBOX_RETRY_AFTER_S = 1;

export interface ExecutorDeps {
  sandbox: Pick<Sandbox, "run">;
  logger: Logger;
  /** Shares this process's sandbox slots fairly between users (one instance per process,
   * given to every executor of it); without it, runs go straight to the sandbox. */
  scheduler?: FairScheduler;
  now?: () => number;
}

export function createExecutorService(deps: ExecutorDeps) {
  const now = deps.now ?? Date.now;

  // The audit line is written whatever LOG_LEVEL says (SECURITY.md: one per run): at
  // "warn" or "error" the runs must still be on record. Only a logger turned off entirely
  // ("silent") drops it. Its time is the logger's own `time` field.
  const auditLog =
    deps.logger.isLevelEnabled("info") || deps.logger.level === "silent"
      ? deps.logger
      : deps.logger.child({}, { level: "info" });

  function audit(i: ExecuteInput, outcome: AuditOutcome, started: number): void {
    auditLog.info({
      audit: "execution",
      job_id: i.jobId,
      user_id: i.userId,
      // The one-shot form: no Hash object per run (Node >= 20.12).
      code_sha256: hash("sha256", i.code, "hex"),
      outcome,
      duration_ms: now() - started,
    });
  }

  return {
    async execute(i: ExecuteInput): Promise<ExecutionResult> {
      const started = now();
      const run = () =>
        deps.sandbox.run({
          code: i.code,
          stdin: i.stdin ?? "",
          timeoutMs: i.timeoutSeconds * 1000,
          enforcePolicy: true,
          // Program text is made well-formed here, once for every caller (sync, async,
          // stream): an unpaired surrogate from `raise ValueError('x\udcff')` is not Unicode.
          onOutput: i.onOutput && ((c) => i.onOutput?.({ ...c, data: wellFormed(c.data) })),
          onFigure: i.onFigure,
          input: i.input,
          onInputRequest: i.onInputRequest && ((p) => i.onInputRequest?.(wellFormed(p))),
          signal: i.signal,
        });
      let raw: ExecutionResult;
      try {
        raw = await (deps.scheduler ? deps.scheduler.run(i.userId, run) : run());
      } catch (err) {
        // The sandbox itself failed (its host process died, the pool is closing…): the
        // caller gets 503 and may retry at once (a new host starts on the next call); an
        // async job is retried by its processor. The code may have started: audited so.
        if (err instanceof AppError) throw err;
        deps.logger.error({ err, job_id: i.jobId }, "the sandbox failed");
        audit(i, "failure", started);
        throw new UnavailableError("The sandbox is unavailable; try again", SANDBOX_RETRY_AFTER_S);
      }
      const result = wellFormedDeep(raw);
      if (result.security_violations.length > 0) {
        audit(i, "violation", started);
        throw new SecurityViolationError(
          result.security_violations,
          result.error ?? "Code violates the security policy",
        );
      }
      audit(i, result.timed_out ? "timeout" : result.success ? "success" : "failure", started);
      return result;
    },
  };
}
