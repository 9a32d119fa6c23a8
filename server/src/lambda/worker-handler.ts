// AWS Lambda entry of the execution worker: an SQS event (the FIFO execution queue) → one
// run per record through the same job processor as `npm run worker`, so claiming, attempts,
// results and the one `execution_result` per job behave exactly as everywhere else. Lambda's
// event source receives and deletes; this handler keeps the lease (the message's visibility)
// while a run lasts, hands a retry back with its delay, and reports failed records as batch
// item failures so only they come back. Output and results reach the client's WebSocket via
// the notifier (the relay function: this function has no route to the internet).
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { sandboxOptions, startSandbox } from "../execution/execution-module.js";
import { createExecutorService } from "../execution/executor-service.js";
import type { Sandbox } from "../execution/sandbox/sandbox.js";
import {
  createExecutionJobProcessor,
  type ExecutionJobProcessor,
} from "../jobs/execution-job-processor.js";
import type { ExecutionJobMessage, ReceivedMessage } from "../jobs/queue/job-queue.js";
import { createSqsClient, SqsQueue } from "../jobs/queue/sqs-queue.js";
import { createRealtime } from "../jobs/realtime/create-notifier.js";
import { createJobControl } from "../jobs/realtime/job-control.js";
import { loadSettingsWithSecrets, type Settings } from "../platform/config.js";
import { type Database, openDatabase } from "../platform/db/database.js";
import { loggerOptions } from "../platform/logger.js";
import { composeSnippets } from "../snippets/snippets-module.js";

/** After an unexpected failure, the message comes back after this pause. */
const RETRY_AFTER_ERROR_SECONDS = 5;

const bodySchema = z.object({ job_id: z.string().uuid(), user_id: z.string().uuid() });

export interface WorkerHandler {
  handler(event: SQSEvent): Promise<SQSBatchResponse>;
  close(): Promise<void>;
}

export interface WorkerOverrides {
  database?: Database;
  sandbox?: Sandbox;
  logger?: Logger;
}

export async function createWorkerHandler(
  settings: Settings,
  overrides: WorkerOverrides = {},
): Promise<WorkerHandler> {
  const queueUrl = settings.queue.executionQueueUrl;
  if (settings.queue.kind !== "sqs" || !queueUrl) {
    throw new Error("the worker Lambda needs JOB_QUEUE=sqs and EXECUTION_QUEUE_URL");
  }
  const logger = overrides.logger ?? pino(loggerOptions(settings.logLevel));
  const database =
    overrides.database ??
    (await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir }));
  const queue = await SqsQueue.open<ExecutionJobMessage>({
    client: createSqsClient({ region: settings.awsRegion, endpoint: settings.queue.sqsEndpoint }),
    queueUrl,
    ownsClient: true,
  });
  const realtime = await createRealtime(settings, { database, logger });
  // The pool lives in this process: a Lambda runs one invocation at a time, so there is no
  // event loop to protect from the cost of spawning (see create-sandbox.ts).
  const e = settings.execution;
  const sandbox =
    overrides.sandbox ??
    (await startSandbox(
      sandboxOptions(settings, logger, {
        poolSize: Math.max(1, e.poolSize),
        maxConcurrent: Math.max(1, e.maxConcurrent),
        inProcess: true,
      }),
    ));
  // cancel / stdin from the WebSocket Lambda arrive over the database's LISTEN/NOTIFY.
  const control = await createJobControl({ pool: database.pool, listen: true, logger });
  const processor = createExecutionJobProcessor({
    db: database.db,
    executor: createExecutorService({ sandbox, logger }),
    notifier: realtime.notifier,
    control,
    snippets: composeSnippets({ database }).snippets,
    logger,
    maxDeliveries: queue.maxReceiveCount,
  });

  async function handleRecord(record: SQSRecord): Promise<boolean> {
    const parsed = bodySchema.safeParse(safeJson(record.body));
    if (!parsed.success) {
      // Not a job we could ever run: drop it (Lambda deletes it) rather than loop on it.
      logger.error({ message_id: record.messageId }, "malformed execution message dropped");
      return true;
    }
    const message: ReceivedMessage<ExecutionJobMessage> = {
      body: parsed.data,
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? 1),
      handle: record.receiptHandle,
    };
    return runLeased(processor, queue, message, logger);
  }

  return {
    async handler(event) {
      const batchItemFailures: { itemIdentifier: string }[] = [];
      // FIFO: once a record of a user's group fails, the later ones of that group must not
      // overtake it; they go back unprocessed.
      const blockedGroups = new Set<string>();
      for (const record of event.Records) {
        const group = record.attributes.MessageGroupId ?? "";
        const ok = !blockedGroups.has(group) && (await handleRecord(record));
        if (!ok) {
          blockedGroups.add(group);
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    },
    async close() {
      if (!overrides.sandbox) await sandbox.close();
      await control.close();
      await realtime.close();
      await queue.close();
      if (!overrides.database) await database.close();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Runs one job while renewing its message's lease; true when the message is done with. */
async function runLeased(
  processor: ExecutionJobProcessor,
  queue: SqsQueue<ExecutionJobMessage>,
  message: ReceivedMessage<ExecutionJobMessage>,
  logger: Logger,
): Promise<boolean> {
  const renew = setInterval(
    () => {
      queue.extend(message, queue.leaseSeconds).catch((err: unknown) => {
        logger.warn({ err }, "could not extend a job's lease");
      });
    },
    Math.max(1000, (queue.leaseSeconds * 1000) / 3),
  );
  try {
    const outcome = await processor.handle(message);
    if (outcome.ack) return true;
    await queue.release(message, outcome.retryInSeconds);
    return false;
  } catch (err) {
    logger.error(
      { err, job_id: message.body.job_id },
      "job handler failed; it will be redelivered",
    );
    await queue.release(message, RETRY_AFTER_ERROR_SECONDS).catch(() => {});
    return false;
  } finally {
    clearInterval(renew);
  }
}

let cached: Promise<WorkerHandler> | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cached ??= loadSettingsWithSecrets()
    .then((settings) => createWorkerHandler(settings))
    .catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  return (await cached).handler(event);
};
