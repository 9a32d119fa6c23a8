// The JobQueue port: at-least-once delivery with leases. A received message stays invisible
// while its lease runs; a consumer that dies (SIGKILL) simply stops renewing, and the
// message comes back for another consumer. Adapters: memory-queue.ts, sqs-queue.ts.

export interface EnqueueOptions {
  /** Messages of one group are delivered in order (SQS FIFO MessageGroupId): the user id. */
  groupId: string;
  /** A second enqueue with the same id inside the dedup window is dropped: the job id. */
  dedupId: string;
}

export interface ReceivedMessage<T> {
  body: T;
  /** How many times this message has been handed out, this delivery included. */
  receiveCount: number;
  /** Opaque adapter handle (SQS receipt handle, memory lease token). */
  readonly handle: string;
}

export interface JobQueue<T> {
  readonly kind: "memory" | "sqs";
  /** Lease length a consumer gets on receive; renew well before it runs out. */
  readonly leaseSeconds: number;
  /** Deliveries before a message goes to the dead-letter queue; undefined: never. */
  readonly maxReceiveCount: number | undefined;
  enqueue(body: T, opts: EnqueueOptions): Promise<void>;
  /** Waits up to `waitMs` (long polling) for at most `max` messages. */
  receive(opts: {
    max: number;
    waitMs: number;
    signal?: AbortSignal;
  }): Promise<ReceivedMessage<T>[]>;
  /** Renews the lease of a message still being worked on. */
  extend(message: ReceivedMessage<T>, seconds: number): Promise<void>;
  /** Done with it: the message is gone for good. */
  ack(message: ReceivedMessage<T>): Promise<void>;
  /** Give it back, visible again after `delaySeconds` (a retry with back-off). */
  release(message: ReceivedMessage<T>, delaySeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** The body of an execution job message: only ids; the request itself lives in the database. */
export interface ExecutionJobMessage {
  job_id: string;
  user_id: string;
}
