// The running side of async execution in one process: a queue consumer feeding the job
// processor, plus a periodic sweep that re-enqueues jobs a crash left behind. Used by
// `npm run worker` and, in the embedded mode, inside the API process.
import type { Logger } from "pino";
import type { ExecutionJobProcessor } from "./execution-job-processor.js";
import type { ExecutionJobMessage, JobQueue } from "./queue/job-queue.js";
import { startConsumer } from "./queue/queue-consumer.js";

export interface ExecutionJobWorker {
  stop(graceMs?: number): Promise<void>;
}

export function startExecutionJobWorker(opts: {
  queue: JobQueue<ExecutionJobMessage>;
  processor: ExecutionJobProcessor;
  concurrency: number;
  logger: Pick<Logger, "info" | "warn" | "error">;
  sweepEveryMs?: number;
  pollWaitMs?: number;
}): ExecutionJobWorker {
  const { queue, processor, logger } = opts;
  const consumer = startConsumer({
    queue,
    handle: (message) => processor.handle(message),
    concurrency: opts.concurrency,
    logger,
    pollWaitMs: opts.pollWaitMs ?? 10_000,
  });
  const sweep = () =>
    processor.recoverStale(queue).catch((err: unknown) => {
      logger.warn({ err }, "stale job sweep failed");
    });
  void sweep();
  const timer = setInterval(sweep, opts.sweepEveryMs ?? 30_000);
  timer.unref();
  return {
    async stop(graceMs) {
      clearInterval(timer);
      await consumer.stop(graceMs);
    },
  };
}
