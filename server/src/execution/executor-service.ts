// The execution use case: rate limit per user, run in the sandbox with the static policy
// on, turn a refusal into SecurityViolationError, and write one audit line per run
// (SECURITY.md: time, job id, user id, sha256 of the code — never the code itself).
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { RateLimitedError, SecurityViolationError } from "../platform/errors.js";
import { SlidingWindowLimiter } from "../platform/rate-limiter.js";
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

export interface ExecutorDeps {
  sandbox: Pick<Sandbox, "run">;
  logger: Logger;
  rateLimitPerMinute: number;
  now?: () => number;
}

export function createExecutorService(deps: ExecutorDeps) {
  const now = deps.now ?? Date.now;
  const limiter = new SlidingWindowLimiter(deps.rateLimitPerMinute, now);

  function audit(i: ExecuteInput, outcome: AuditOutcome, started: number): void {
    deps.logger.info({
      audit: "execution",
      time: new Date(now()).toISOString(),
      job_id: i.jobId,
      user_id: i.userId,
      code_sha256: createHash("sha256").update(i.code).digest("hex"),
      outcome,
      duration_ms: now() - started,
    });
  }

  return {
    async execute(i: ExecuteInput): Promise<ExecutionResult> {
      const retryAfter = limiter.hit(i.userId);
      if (retryAfter > 0) throw new RateLimitedError(retryAfter);
      const started = now();
      const result = await deps.sandbox.run({
        code: i.code,
        stdin: i.stdin ?? "",
        timeoutMs: i.timeoutSeconds * 1000,
        enforcePolicy: true,
        onOutput: i.onOutput,
        onFigure: i.onFigure,
        input: i.input,
        onInputRequest: i.onInputRequest,
        signal: i.signal,
      });
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
