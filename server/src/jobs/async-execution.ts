// Wiring of async execution and realtime for the composition root (buildApp): the notifier
// and hub, the job queue, the job service, the in-process worker when the settings ask for
// one, and the routes. Kept here so app.ts holds one call per area.
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { AuthGuard } from "../auth/auth-guard.js";
import { createExecutorService } from "../execution/executor-service.js";
import { autoPoolSize } from "../execution/sandbox/create-sandbox.js";
import type { Sandbox } from "../execution/sandbox/sandbox.js";
import type { Settings } from "../platform/config.js";
import type { Database } from "../platform/db/database.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { registerExecutionAsyncRoutes } from "./execution-async-routes.js";
import { createExecutionJobProcessor, DEFAULT_MAX_ATTEMPTS } from "./execution-job-processor.js";
import { createExecutionJobService, type ExecutionJobService } from "./execution-job-service.js";
import { type ExecutionJobWorker, startExecutionJobWorker } from "./execution-job-worker.js";
import { createExecutionQueue } from "./queue/create-job-queue.js";
import type { ExecutionJobMessage, JobQueue } from "./queue/job-queue.js";
import { createRealtime } from "./realtime/create-notifier.js";
import type { Notifier } from "./realtime/notifier.js";
import { registerWsRoutes } from "./ws-routes.js";

/**
 * Admission (the per-user limit) happens at submit, shared by every process through the
 * database; a second per-process limit in the worker would only fail jobs already accepted.
 */
const NO_RUN_TIME_LIMIT = 1_000_000_000;

/** The processor fails a job after DEFAULT_MAX_ATTEMPTS runs; the broker must not dead-letter
 * it first, or its row would stay `running` until the stale sweep. */
function warnAboutRedrive(queue: JobQueue<ExecutionJobMessage>, logger: Logger): void {
  if (queue.maxReceiveCount === undefined) {
    logger.warn(
      "the execution queue has no RedrivePolicy: poison messages are never dead-lettered",
    );
  } else if (queue.maxReceiveCount <= DEFAULT_MAX_ATTEMPTS) {
    logger.warn(
      { maxReceiveCount: queue.maxReceiveCount, maxAttempts: DEFAULT_MAX_ATTEMPTS },
      "the execution queue's maxReceiveCount should exceed the job attempts",
    );
  }
}

export interface AsyncExecution {
  notifier: Notifier;
  jobs: ExecutionJobService;
  /** Registers POST /execute/async, GET /executions/{id} and /ws, each in its own scope. */
  registerRoutes(app: FastifyInstance): Promise<void>;
}

export async function buildAsyncExecution(
  app: FastifyInstance,
  deps: {
    settings: Settings;
    database: Database;
    snippets: SnippetService;
    guard: AuthGuard;
    sandbox: Sandbox;
  },
): Promise<AsyncExecution> {
  const { settings, database, snippets, guard } = deps;
  const logger = app.log as unknown as Logger;
  const realtime = await createRealtime(settings, { database, logger });
  if (!settings.queue.runWorkersInProcess && settings.notifier.kind === "local") {
    // Separate workers cannot reach this process's sockets through a local hub.
    logger.warn("NOTIFIER=local with out-of-process workers: live output will not reach /ws");
  }
  const queue = await createExecutionQueue(settings);
  const jobs = createExecutionJobService({
    db: database.db,
    queue,
    snippets,
    logger,
    rateLimitPerMinute: settings.execution.rateLimitPerMinute,
  });
  let worker: ExecutionJobWorker | undefined;
  if (settings.queue.runWorkersInProcess) {
    warnAboutRedrive(queue, logger);
    const processor = createExecutionJobProcessor({
      db: database.db,
      executor: createExecutorService({
        sandbox: deps.sandbox,
        logger,
        rateLimitPerMinute: NO_RUN_TIME_LIMIT,
      }),
      notifier: realtime.notifier,
      snippets,
      logger,
    });
    worker = startExecutionJobWorker({
      queue,
      processor,
      concurrency: Math.max(1, settings.execution.maxConcurrent || autoPoolSize()),
      logger,
    });
  }
  // preClose: stop taking jobs and let running ones finish while the database is still open.
  app.addHook("preClose", async () => {
    await worker?.stop();
    await queue.close();
    await realtime.close();
  });

  return {
    notifier: realtime.notifier,
    jobs,
    async registerRoutes(scopeParent) {
      await scopeParent.register(async (scope) =>
        registerExecutionAsyncRoutes(scope, {
          jobs,
          guard,
          maxCodeBytes: settings.execution.maxCodeBytes,
          defaultTimeoutSeconds: settings.execution.timeoutSeconds,
        }),
      );
      await scopeParent.register(async (scope) =>
        registerWsRoutes(scope, { hub: realtime.hub, guard, jobs }),
      );
    },
  };
}
