// Synchronous execution (POST /execute): checks the request against the limits, runs it
// through the executor, and counts the run on the snippet it came from.
import { randomUUID } from "node:crypto";
import { PayloadTooLargeError } from "../platform/errors.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import type { ExecuteInput } from "./executor-service.js";
import type { ExecutionResult } from "./sandbox/sandbox.js";

export interface RunRequest {
  code: string;
  stdin?: string | undefined;
  timeoutSeconds?: number | undefined;
  snippetId?: string | undefined;
  /** Aborted when the client went away: the run stops and its sandbox is freed. */
  signal?: AbortSignal | undefined;
}

export interface RunServiceDeps {
  executor: { execute(i: ExecuteInput): Promise<ExecutionResult> };
  snippets: Pick<SnippetService, "assertOwned" | "recordExecution">;
  maxCodeBytes: number;
  defaultTimeoutSeconds: number;
}

export function assertCodeSize(code: string, maxCodeBytes: number): void {
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > maxCodeBytes) {
    throw new PayloadTooLargeError(`Code is ${bytes} bytes; the limit is ${maxCodeBytes} bytes`);
  }
}

export function createRunService(deps: RunServiceDeps) {
  return {
    async run(userId: string, req: RunRequest): Promise<ExecutionResult> {
      assertCodeSize(req.code, deps.maxCodeBytes);
      // Ownership first: a run against someone else's snippet must not even start.
      if (req.snippetId) await deps.snippets.assertOwned(userId, req.snippetId);
      const result = await deps.executor.execute({
        userId,
        jobId: randomUUID(),
        code: req.code,
        stdin: req.stdin ?? "",
        timeoutSeconds: Math.min(
          req.timeoutSeconds ?? deps.defaultTimeoutSeconds,
          deps.defaultTimeoutSeconds,
        ),
        signal: req.signal,
      });
      if (req.snippetId) await deps.snippets.recordExecution(userId, req.snippetId);
      return result;
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
