// Composition of async execution + realtime: the Notifier and the local WebSocket hub, the
// job queue, the job service (submit and read), the declared execution-job processor, and
// POST /execute/async, GET /executions/{id} and /ws. The API process, `npm run worker` and
// the worker Lambda each take the parts they need; see this folder's README for how a
// job's output reaches a WebSocket held by another process.
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { AuthGuard } from "../auth/auth-guard.js";
import { createExecutorService } from "../execution/executor-service.js";
import type { FairScheduler } from "../execution/fair-scheduler.js";
import type { RequestPolicy } from "../execution/request-policy.js";
import { autoPoolSize } from "../execution/sandbox/create-sandbox.js";
import type { Sandbox } from "../execution/sandbox/sandbox.js";
import type { Platform, Processor } from "../platform/area.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { registerExecutionAsyncRoutes } from "./execution-async-routes.js";
import {
  createExecutionJobProcessor,
  DEFAULT_MAX_ATTEMPTS,
  MAX_DEFERRALS,
} from "./execution-job-processor.js";
import { createExecutionJobService, type ExecutionJobService } from "./execution-job-service.js";
import { type ExecutionJobWorker, startExecutionJobWorker } from "./execution-job-worker.js";
import { createExecutionQueue } from "./queue/create-job-queue.js";
import type { ExecutionJobMessage, JobQueue } from "./queue/job-queue.js";
import type { ConnectionBindings } from "./realtime/connection-registry.js";
import { createRealtime, type Realtime } from "./realtime/create-notifier.js";
import { DbConnectionRegistry } from "./realtime/db-connection-registry.js";
import { createJobControl, type JobControl } from "./realtime/job-control.js";
import type { Notifier } from "./realtime/notifier.js";
import { registerWsRoutes } from "./ws-routes.js";

/** The processor fails a job after DEFAULT_MAX_ATTEMPTS runs; the broker must not dead-letter
 * it first, or its row would stay `running` until the stale sweep. Fair-turn deferrals are
 * deliveries too (execution-job-processor.ts): they use what is left above the attempts. */
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
  } else if (queue.maxReceiveCount < DEFAULT_MAX_ATTEMPTS + 1 + MAX_DEFERRALS) {
    // Each fair-turn deferral is a delivery; fewer deliveries mean fewer turns given away.
    logger.warn(
      {
        maxReceiveCount: queue.maxReceiveCount,
        recommended: DEFAULT_MAX_ATTEMPTS + 1 + MAX_DEFERRALS,
      },
      "the execution queue's maxReceiveCount leaves little room for fair turns between users",
    );
  }
}

export interface AsyncExecutionArea {
  realtime: Realtime;
  notifier: Notifier;
  /** Binds WebSocket connections to users (a token-less one on its first named POST). */
  connections: ConnectionBindings;
  jobs: ExecutionJobService;
  /** The execution-job processor, present when this process runs jobs. */
  processor: Processor | undefined;
  /** Registers POST /execute/async, GET /executions/{id} and /ws, each in its own scope. */
  routes(app: FastifyInstance, guard: AuthGuard): Promise<void>;
  /** Stops the processor (running jobs finish), then closes the queue and the notifier. */
  close(): Promise<void>;
}

/** The execution-job processor: execution jobs from the job queue, run in the sandbox,
 * output and result published through the notifier. */
function executionJobsProcessor(
  platform: Platform,
  deps: {
    queue: JobQueue<ExecutionJobMessage>;
    sandbox: Sandbox;
    scheduler: FairScheduler | undefined;
    notifier: Notifier;
    control: JobControl;
    snippets: Pick<SnippetService, "recordExecution">;
  },
): Processor {
  const { settings, database, logger } = platform;
  const processor = createExecutionJobProcessor({
    db: database.db,
    // Jobs were admitted at submit (the request policy): the executor limits nothing.
    executor: createExecutorService({ sandbox: deps.sandbox, scheduler: deps.scheduler, logger }),
    notifier: deps.notifier,
    control: deps.control,
    snippets: deps.snippets,
    logger,
    maxDeliveries: deps.queue.maxReceiveCount,
  });
  let worker: ExecutionJobWorker | undefined;
  return {
    name: "execution-jobs",
    handles: "execution jobs from the job queue",
    start() {
      if (worker) return;
      warnAboutRedrive(deps.queue, logger);
      worker = startExecutionJobWorker({
        queue: deps.queue,
        processor,
        concurrency: Math.max(1, settings.execution.maxConcurrent || autoPoolSize()),
        logger,
      });
    },
    async stop() {
      await worker?.stop();
      worker = undefined;
    },
  };
}

export async function composeAsyncExecution(
  platform: Platform,
  deps: {
    snippets: Pick<SnippetService, "recordExecution">;
    /** The request policy shared with POST /execute (the execution area's). */
    policy: Pick<RequestPolicy, "admit">;
    /** The sandbox jobs run in; without one this process cannot run jobs (no processor). */
    sandbox?: Sandbox | undefined;
    /** The process's fair scheduler, shared with its sync runs. */
    scheduler?: FairScheduler | undefined;
    /** Whether this process runs jobs (`RUN_WORKERS_IN_PROCESS`, or `npm run worker`). */
    runJobs: boolean;
  },
): Promise<AsyncExecutionArea> {
  const { settings, database, logger } = platform;
  const realtime = await createRealtime(settings, { database, logger });
  if (!deps.runJobs && settings.notifier.kind === "local") {
    // Separate workers cannot reach this process's sockets through a local hub.
    logger.warn("NOTIFIER=local with out-of-process workers: live output will not reach /ws");
  }
  const queue = await createExecutionQueue(settings);
  const runsJobs = deps.runJobs && deps.sandbox !== undefined;
  const control = await createJobControl({ pool: database.pool, listen: runsJobs, logger });
  // Who each WebSocket connection belongs to, in the database so every process agrees.
  const connections = new DbConnectionRegistry(database.db);
  const jobs = createExecutionJobService({
    db: database.db,
    queue,
    connections,
    policy: deps.policy,
    logger,
    control,
    notifier: realtime.notifier,
  });
  const processor =
    deps.runJobs && deps.sandbox
      ? executionJobsProcessor(platform, {
          queue,
          sandbox: deps.sandbox,
          scheduler: deps.scheduler,
          notifier: realtime.notifier,
          control,
          snippets: deps.snippets,
        })
      : undefined;
  return {
    realtime,
    notifier: realtime.notifier,
    connections,
    jobs,
    processor,
    async routes(app, guard) {
      await app.register(async (scope) => registerExecutionAsyncRoutes(scope, { jobs, guard }));
      await app.register(async (scope) =>
        registerWsRoutes(scope, {
          hub: realtime.hub,
          guard,
          jobs,
          connections,
          allowAnonymous: settings.wsAllowAnonymous,
        }),
      );
    },
    async close() {
      await processor?.stop();
      await queue.close();
      await control.close();
      await realtime.close();
    },
  };
}
