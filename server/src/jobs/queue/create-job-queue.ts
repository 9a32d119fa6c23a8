// Picks the JobQueue adapter from the settings (memory in embedded mode, SQS otherwise).
import type { Settings } from "../../platform/config.js";
import type { ExecutionJobMessage, JobQueue } from "./job-queue.js";
import { MemoryQueue } from "./memory-queue.js";
import { createSqsClient, SqsQueue } from "./sqs-queue.js";

/** Deliveries before the dead-letter list: the job's attempts plus room for fair-turn
 * deferrals (execution-job-processor.ts); infra/lib/queues.ts gives SQS the same. */
export const EXECUTION_MAX_RECEIVES = 25;

export async function createExecutionQueue(
  settings: Pick<Settings, "queue" | "awsRegion">,
): Promise<JobQueue<ExecutionJobMessage>> {
  const { queue } = settings;
  if (queue.kind === "memory")
    return new MemoryQueue<ExecutionJobMessage>({ maxReceiveCount: EXECUTION_MAX_RECEIVES });
  if (!queue.executionQueueUrl)
    throw new Error("EXECUTION_QUEUE_URL is required for JOB_QUEUE=sqs");
  return SqsQueue.open<ExecutionJobMessage>({
    client: createSqsClient({ region: settings.awsRegion, endpoint: queue.sqsEndpoint }),
    queueUrl: queue.executionQueueUrl,
    ownsClient: true,
  });
}
