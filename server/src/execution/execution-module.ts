// Composition of the execution area: the Sandbox chosen by settings (bwrap or process
// launcher behind a warm pool), the request policy (sizes, timeout, ownership, budget —
// shared with async execution), the executor (policy refusal, audit line), the synchronous
// run service and POST /execute. Async execution (jobs/) reuses the sandbox and the policy.
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { AuthGuard } from "../auth/auth-guard.js";
import type { Platform } from "../platform/area.js";
import type { Settings } from "../platform/config.js";
import { StartupError } from "../platform/errors.js";
import type { HealthChecks } from "../platform/http/health-routes.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { registerExecutionRoutes } from "./execution-routes.js";
import { createExecutorService } from "./executor-service.js";
import { FairScheduler } from "./fair-scheduler.js";
import {
  createExecutionBudget,
  createRequestPolicy,
  type RequestPolicy,
} from "./request-policy.js";
import { createRunService, type RunService, type RunServiceDeps } from "./run-service.js";
import { autoPoolSize, createSandbox, type SandboxOptions } from "./sandbox/create-sandbox.js";
import { NoSandbox } from "./sandbox/no-sandbox.js";
import type { Sandbox } from "./sandbox/sandbox.js";

/** Runs beyond SANDBOX_MAX_CONCURRENT kept for users with none in progress. */
export const NEWCOMER_SLOTS = 1;
export type ExecutorService = ReturnType<typeof createExecutorService>;

export interface ExecutionArea {
  sandbox: Sandbox;
  /** Shares this process's sandbox slots fairly between users: sync runs and the job
   * processor of this process both go through it. */
  scheduler: FairScheduler;
  executor: ExecutorService;
  /** Admits every run request, sync and async (request-policy.ts). */
  policy: RequestPolicy;
  runs: RunService;
  health: HealthChecks;
  routes(app: FastifyInstance, guard: AuthGuard): Promise<void>;
  /** Closes the sandbox pool when this area started it. */
  close(): Promise<void>;
}

/** The sandbox options the settings describe; `adjust` lets an entry point change a few. */
export function sandboxOptions(
  settings: Settings,
  logger: Logger,
  adjust: Partial<SandboxOptions> = {},
): SandboxOptions {
  const e = settings.execution;
  if (e.sandbox === "none") {
    throw new StartupError(
      "SANDBOX=none: this process runs no code, yet it was asked to start a sandbox",
    );
  }
  return {
    kind: e.sandbox,
    allowProcess: e.allowProcessSandbox,
    pythonPath: e.pythonPath,
    poolSize: e.poolSize,
    maxConcurrent: e.maxConcurrent > 0 ? e.maxConcurrent : autoPoolSize(),
    memoryLimitMb: e.memoryLimitMb,
    maxOutputBytes: e.maxOutputBytes,
    extraAllowedModules: e.extraAllowedModules,
    policyProfile: e.policyProfile,
    preimport: e.preimport,
    uidBase: e.uidBase,
    uidCount: e.uidCount,
    mode: e.mode,
    memoryMechanism: e.memoryMechanism,
    // The pool joins this process where runners are forked by the fork servers (no spawn
    // from this heap, no IPC hop); elsewhere it lives in a sandbox host.
    inProcess: "when-forking",
    logger,
    ...adjust,
  };
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  return createSandbox(options).catch((err: unknown) => {
    throw new StartupError(
      `The sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n` +
        "`node scripts/setup.mjs` checks the system packages it needs (and installs them as root).",
    );
  });
}

/** The request policy the settings describe; every process that admits runs builds it
 * here, and they agree because the budget lives in the database. */
export function requestPolicy(
  platform: Platform,
  snippets: Pick<SnippetService, "assertOwned">,
): RequestPolicy {
  const e = platform.settings.execution;
  return createRequestPolicy({
    snippets,
    maxCodeBytes: e.maxCodeBytes,
    maxTimeoutSeconds: e.timeoutSeconds,
    budget: createExecutionBudget(platform.database, e.rateLimitPerMinute),
  });
}

export async function composeExecution(
  platform: Platform,
  deps: {
    snippets: Pick<SnippetService, "assertOwned" | "recordExecution">;
    /** A ready sandbox; the area then neither starts nor closes one. */
    sandbox?: Sandbox | undefined;
    /**
     * Where synchronous runs go when this process has no sandbox (SANDBOX=none): the job
     * queue, composed by the composition root (jobs/queued-runs.ts).
     */
    queuedRuns?: RunServiceDeps["executor"] | undefined;
  },
): Promise<ExecutionArea> {
  const { settings, logger } = platform;
  const sandboxless = settings.execution.sandbox === "none";
  if (sandboxless && !deps.queuedRuns) {
    throw new StartupError("SANDBOX=none: synchronous runs need the job queue");
  }
  const slots =
    settings.execution.maxConcurrent > 0 ? settings.execution.maxConcurrent : autoPoolSize();
  // One run more than the slots, only for a user with nothing running (FairScheduler), so a
  // flood of long runs from one user never makes another user's first run wait.
  const sandbox =
    deps.sandbox ??
    (sandboxless
      ? new NoSandbox()
      : await startSandbox(
          sandboxOptions(settings, logger, { maxConcurrent: slots + NEWCOMER_SLOTS }),
        ));
  const scheduler = new FairScheduler(slots, NEWCOMER_SLOTS);
  // Runs reach the executor admitted (the policy took the budget), so it limits nothing.
  const executor = createExecutorService({ sandbox, scheduler, logger });
  const policy = requestPolicy(platform, deps.snippets);
  const runs = createRunService({
    policy,
    executor: sandboxless ? (deps.queuedRuns as RunServiceDeps["executor"]) : executor,
    snippets: deps.snippets,
  });
  return {
    sandbox,
    scheduler,
    executor,
    policy,
    runs,
    health: {
      sandbox: async () => ({
        status: "ok",
        isolation: sandbox.isolation,
        ...("mode" in sandbox && sandbox.mode ? { mode: sandbox.mode } : {}),
        ...("memory" in sandbox && sandbox.memory ? { memory: sandbox.memory } : {}),
        ...sandbox.stats(),
      }),
      // Where runs go: this process's sandbox, or the job queue to workers elsewhere.
      execution: async () => ({
        status: "ok",
        runs: sandboxless ? "queue" : "in-process",
        async_runs: settings.queue.runJobsInProcess ? "in-process" : "queue",
        queue: settings.queue.kind,
      }),
    },
    routes: async (app, guard) => {
      await app.register(async (scope) => registerExecutionRoutes(scope, { runs, guard }));
    },
    close: async () => {
      if (!deps.sandbox) await sandbox.close();
    },
  };
}
