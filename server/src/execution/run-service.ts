// Synchronous execution (POST /execute): the request policy admits the run (sizes, timeout,
// ownership, budget), the executor runs it, and the run is counted on its snippet.
import { randomUUID } from "node:crypto";
import type { SnippetService } from "../snippets/snippet-service.js";
import type { ExecuteInput } from "./executor-service.js";
import type { RequestPolicy, RunRequest } from "./request-policy.js";
import type { ExecutionResult } from "./sandbox/sandbox.js";

export interface SyncRunRequest extends RunRequest {
  /** Aborted when the client went away: the run stops and its sandbox is freed. */
  signal?: AbortSignal | undefined;
}

export interface RunServiceDeps {
  policy: Pick<RequestPolicy, "admit">;
  executor: { execute(i: ExecuteInput): Promise<ExecutionResult> };
  snippets: Pick<SnippetService, "recordExecution">;
}

export function createRunService(deps: RunServiceDeps) {
  return {
    async run(userId: string, req: SyncRunRequest): Promise<ExecutionResult> {
      const run = await deps.policy.admit(userId, req);
      const result = await deps.executor.execute({
        userId,
        jobId: randomUUID(),
        code: run.code,
        stdin: run.stdin,
        timeoutSeconds: run.timeoutSeconds,
        signal: req.signal,
      });
      if (run.snippetId) await deps.snippets.recordExecution(userId, run.snippetId);
      return result;
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
