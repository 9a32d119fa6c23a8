// Turns what a runner did (its validated result message, its output, how it ended)
// into the API's ExecutionResult. Kept apart from the I/O so every branch is testable.
import { DEFAULT_LIMITS } from "./launcher.js";
import { overLimitMessage } from "./memory-limit.js";
import { RUNNER_FAILED_EXIT, runResultSchema, verdictSchema } from "./protocol.js";
import type { ExecutionResult } from "./sandbox.js";
import { deathBySignal } from "./signals.js";
import type { RawOutcome } from "./warm-process.js";

/** A run whose signal was aborted before it was handed to a runner: nothing ran. */
export function cancelledBeforeStart(): ExecutionResult {
  return {
    success: false,
    stdout: "",
    stderr: "",
    error: "Execution was cancelled",
    error_type: "Cancelled",
    execution_time_ms: 0,
    timed_out: false,
    security_violations: [],
    truncated: false,
    figures: [],
  };
}

export function toExecutionResult(raw: RawOutcome, timeoutMs: number): ExecutionResult {
  const base = {
    stdout: raw.stdout,
    stderr: raw.stderr,
    timed_out: false,
    truncated: raw.truncated || raw.figuresTruncated,
    security_violations: [],
    figures: raw.figures,
    execution_time_ms: round(raw.wallMs),
  };
  const failure = (error_type: string, error: string): ExecutionResult => ({
    ...base,
    success: false,
    error,
    error_type,
  });
  // First: going over the memory limit (or the socket count that bounds its kernel
  // buffers) is why the run ended (or, when it still finished, it held more than it may),
  // whatever its processes reported after the kill.
  if (raw.overLimit !== null) return failure("MemoryError", overLimitMessage(raw.overLimit));
  if (raw.timedOut) {
    return {
      ...failure("TimeoutError", `Execution timed out after ${timeoutMs / 1000} seconds`),
      timed_out: true,
    };
  }
  if (raw.aborted) return failure("Cancelled", "Execution was cancelled");
  if (raw.truncated) {
    return failure("OutputLimitExceeded", "Output limit exceeded; the program was stopped");
  }
  // The verdict came before any user code ran: only there is a refusal believed. A run
  // without one died before its policy check finished (crashed() says how).
  const verdict = verdictSchema.safeParse(raw.verdict);
  if (verdict.success && "violations" in verdict.data) {
    return {
      // The original's wording: error_type SecurityError; a program that does not parse says
      // so first ("Syntax error at line …"), as its client shows `error` to the person.
      ...failure("SecurityError", refusalMessage(verdict.data.violations)),
      security_violations: verdict.data.violations,
      execution_time_ms: 0, // nothing of the user's code ran
    };
  }
  if (!verdict.success) return crashed({ ...raw, message: undefined }, failure, timeoutMs);
  if (
    raw.message === undefined &&
    !raw.controlOverflow &&
    raw.exitSignal === null &&
    raw.exitCode !== null &&
    raw.exitCode !== RUNNER_FAILED_EXIT
  ) {
    // The program ended the process itself after its verdict (os._exit(n)): no result,
    // only an exit status, which says what python3's would. (The runner's own failures
    // exit RUNNER_FAILED_EXIT.)
    if (raw.exitCode === 0) return { ...base, success: true, error: null, error_type: null };
    return failure("SystemExit", `The program exited with status ${raw.exitCode}`);
  }
  // After "ok" user code ran and could write fd 3: anything but a run result there (a
  // forged refusal included) is an invalid result of a run that happened.
  const parsed = runResultSchema.safeParse(raw.message);
  if (!parsed.success) return crashed(raw, failure, timeoutMs);
  const m = parsed.data;
  return {
    ...base, // not ...m: the byte counts are protocol, not response
    success: m.success,
    error: m.error,
    error_type: m.error_type,
    execution_time_ms: m.execution_time_ms,
  };
}

function crashed(
  raw: RawOutcome,
  failure: (t: string, e: string) => ExecutionResult,
  timeoutMs: number,
): ExecutionResult {
  if (raw.controlOverflow || raw.message !== undefined) {
    return failure("SandboxError", "The program sent an invalid result");
  }
  if (raw.exitSignal !== null) {
    // Which limit or filter ended the run, or what broke (signals.ts). The runner's CPU
    // budget is the job's timeout + 2 s (sandbox_runner.py).
    const death = deathBySignal(raw.exitSignal, {
      cpuSeconds: Math.floor(timeoutMs / 1000) + 2,
      maxFileBytes: DEFAULT_LIMITS.maxFileBytes,
    });
    return failure(death.errorType, death.error);
  }
  return failure("SandboxError", `The program ended without a result (exit code ${raw.exitCode})`);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The `error` of a refused program: the syntax error itself, else the policy's verdict. */
export function refusalMessage(violations: readonly { type: string; message: string }[]): string {
  const syntax = violations.find((v) => v.type === "syntax_error");
  return syntax ? syntax.message : "Code violates the security policy";
}
