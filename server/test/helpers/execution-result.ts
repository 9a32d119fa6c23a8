import type { ExecutionResult } from "../../src/execution/sandbox/sandbox.js";

/** A successful ExecutionResult for fakes of the sandbox or executor; override any field. */
export function executionResult(over: Partial<ExecutionResult> = {}): ExecutionResult {
  return {
    success: true,
    stdout: "",
    stderr: "",
    error: null,
    error_type: null,
    execution_time_ms: 1,
    timed_out: false,
    truncated: false,
    security_violations: [],
    figures: [],
    ...over,
  };
}
