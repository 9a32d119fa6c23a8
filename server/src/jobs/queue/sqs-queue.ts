// The SQS adapter (AWS, or any SQS-compatible broker such as ElasticMQ). A FIFO queue gives
// per-user ordering (MessageGroupId) and dedup by job id (MessageDeduplicationId); the
// queue's own VisibilityTimeout is the lease, so a consumer killed mid-job loses its lease
// and the message is redelivered; the queue's RedrivePolicy moves poison messages to a DLQ.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { EnqueueOptions, JobQueue, ReceivedMessage } from "./job-queue.js";

/** SQS caps a long poll at 20 s and a receive batch at 10 messages. */
const MAX_WAIT_SECONDS = 20;
const MAX_BATCH = 10;

export function createSqsClient(opts: {
  region: string;
  endpoint?: string | undefined;
}): SQSClient {
  return new SQSClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
  });
}

export class SqsQueue<T> implements JobQueue<T> {
  readonly kind = "sqs" as const;
  private readonly fifo: boolean;

  private constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    readonly leaseSeconds: number,
    private readonly ownsClient: boolean,
    /** From the queue's RedrivePolicy; undefined when it has no dead-letter queue. */
    readonly maxReceiveCount: number | undefined,
  ) {
    this.fifo = queueUrl.endsWith(".fifo");
  }

  /** Reads the queue's VisibilityTimeout and redrive policy once: both are set where the
   * queue is defined (infra), not in our settings. */
  static async open<T>(opts: {
    client: SQSClient;
    queueUrl: string;
    ownsClient?: boolean;
  }): Promise<SqsQueue<T>> {
    const attrs = await opts.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: opts.queueUrl,
        AttributeNames: ["VisibilityTimeout", "RedrivePolicy"],
      }),
    );
    const lease = Number(attrs.Attributes?.VisibilityTimeout ?? 30);
    let maxReceiveCount: number | undefined;
    try {
      const policy = JSON.parse(attrs.Attributes?.RedrivePolicy ?? "null") as {
        maxReceiveCount?: number | string;
      } | null;
      if (policy?.maxReceiveCount !== undefined) maxReceiveCount = Number(policy.maxReceiveCount);
    } catch {
      // A malformed policy is the broker's business; we only use it for a start-up warning.
    }
    return new SqsQueue<T>(
      opts.client,
      opts.queueUrl,
      Number.isFinite(lease) && lease > 0 ? lease : 30,
      opts.ownsClient ?? false,
      maxReceiveCount,
    );
  }

  async enqueue(body: T, opts: EnqueueOptions): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(body),
        ...(this.fifo
          ? { MessageGroupId: opts.groupId, MessageDeduplicationId: opts.dedupId }
          : {}),
      }),
    );
  }

  async receive(opts: {
    max: number;
    waitMs: number;
    signal?: AbortSignal;
  }): Promise<ReceivedMessage<T>[]> {
    if (opts.signal?.aborted) return [];
    try {
      const out = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.max(1, Math.min(MAX_BATCH, opts.max)),
          WaitTimeSeconds: Math.min(MAX_WAIT_SECONDS, Math.ceil(opts.waitMs / 1000)),
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
      const received: ReceivedMessage<T>[] = [];
      for (const m of out.Messages ?? []) {
        if (!m.ReceiptHandle) continue;
        received.push({
          body: JSON.parse(m.Body ?? "null") as T,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
          handle: m.ReceiptHandle,
        });
      }
      return received;
    } catch (err) {
      // Closing the consumer aborts its long poll; that is not an error.
      if (opts.signal?.aborted) return [];
      throw err;
    }
  }

  async extend(message: ReceivedMessage<T>, seconds: number): Promise<void> {
    await this.changeVisibility(message, seconds);
  }

  async ack(message: ReceivedMessage<T>): Promise<void> {
    await this.client.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.handle }),
    );
  }

  async release(message: ReceivedMessage<T>, delaySeconds: number): Promise<void> {
    await this.changeVisibility(message, delaySeconds);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private async changeVisibility(message: ReceivedMessage<T>, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: message.handle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }
}
