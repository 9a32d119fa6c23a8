// The one request policy for running code, shared by POST /execute (run-service.ts) and
// POST /execute/async (jobs/execution-job-service.ts): the code's byte size (413), the
// stdin size, the timeout clamped to the configured maximum, the snippet's ownership (404
// before anything runs) and the per-user execution budget (429, one budget across sync,
// async and every process sharing the database), always in that order. Routes only parse,
// call the service and shape the answer; the service asks the policy first.
import type { Database } from "../platform/db/database.js";
import { PayloadTooLargeError, RateLimitedError, ValidationError } from "../platform/errors.js";
import { createRateBudget, type RateBudget } from "../platform/rate-budget.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { MAX_STDIN_CHARS } from "./execution-schemas.js";

/** A run as a caller asks for it (a route body, or a queued sync run). */
export interface RunRequest {
  code: string;
  stdin?: string | undefined;
  timeoutSeconds?: number | undefined;
  snippetId?: string | undefined;
}

/** A run the policy let through: sizes checked, timeout clamped (and, from `admit`,
 * snippet owned and budget taken). */
export interface AdmittedRun {
  code: string;
  stdin: string;
  timeoutSeconds: number;
  snippetId?: string | undefined;
}

export interface RequestPolicyDeps {
  snippets: Pick<SnippetService, "assertOwned">;
  maxCodeBytes: number;
  /** The configured run limit: the default timeout and the most a request may ask for. */
  maxTimeoutSeconds: number;
  /** Characters of stdin; the route schemas refuse more already (422), as this does. */
  maxStdinChars?: number;
  /** The per-user execution budget (createExecutionBudget); none: no limit. */
  budget?: RateBudget | undefined;
}

export interface RequestPolicy {
  /** Size, stdin and timeout rules only: no I/O, no budget taken. */
  check(req: RunRequest): AdmittedRun;
  /** `check`, then the snippet's ownership, then one unit of the user's budget. */
  admit(userId: string, req: RunRequest): Promise<AdmittedRun>;
}

/** The one execution budget per user: sync runs and async submissions take from it, in
 * every process that shares the database (issue 10 item 6). */
export function createExecutionBudget(
  database: Pick<Database, "db" | "driver">,
  limitPerMinute: number,
): RateBudget {
  return createRateBudget(database, {
    bucket: "execution",
    limit: limitPerMinute,
    windowMs: 60_000,
  });
}

export function createRequestPolicy(deps: RequestPolicyDeps): RequestPolicy {
  const maxStdin = deps.maxStdinChars ?? MAX_STDIN_CHARS;

  function check(req: RunRequest): AdmittedRun {
    const bytes = Buffer.byteLength(req.code, "utf8");
    if (bytes > deps.maxCodeBytes) {
      throw new PayloadTooLargeError(
        `Code is ${bytes} bytes; the limit is ${deps.maxCodeBytes} bytes`,
      );
    }
    const stdin = req.stdin ?? "";
    if (stdin.length > maxStdin) {
      throw new ValidationError(["body", "stdin"], `at most ${maxStdin} characters`);
    }
    const asked = req.timeoutSeconds ?? deps.maxTimeoutSeconds;
    if (!(asked > 0)) {
      throw new ValidationError(["body", "timeout_seconds"], "must be greater than 0");
    }
    return {
      code: req.code,
      stdin,
      timeoutSeconds: Math.min(asked, deps.maxTimeoutSeconds),
      snippetId: req.snippetId,
    };
  }

  return {
    check,
    async admit(userId, req) {
      const run = check(req);
      // Ownership before the budget: a run against someone else's snippet must not even
      // start, nor use up the caller's budget.
      if (run.snippetId) await deps.snippets.assertOwned(userId, run.snippetId);
      const wait = deps.budget ? await deps.budget.take(userId) : 0;
      if (wait > 0) throw new RateLimitedError(wait);
      return run;
    },
  };
}
