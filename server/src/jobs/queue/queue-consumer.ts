// Pulls messages off a JobQueue and runs a handler for each, with up to `concurrency` in
// flight. While a handler runs its lease is renewed every third of the lease, so a long job
// is never handed to a second consumer; a crashed process stops renewing and the broker
// redelivers. The handler decides the outcome: ack (done, or a duplicate) or retry later.
import type { Logger } from "pino";
import type { JobQueue, ReceivedMessage } from "./job-queue.js";

export type HandlerOutcome = { ack: true } | { ack: false; retryInSeconds: number };

export interface ConsumerOptions<T> {
  queue: JobQueue<T>;
  handle(message: ReceivedMessage<T>): Promise<HandlerOutcome>;
  concurrency: number;
  logger: Pick<Logger, "warn" | "error">;
  /** Long-poll length; shorter only makes stop() faster on brokers that ignore abort. */
  pollWaitMs?: number;
}

export interface Consumer {
  /** Stops receiving and waits (up to graceMs) for the jobs in flight. */
  stop(graceMs?: number): Promise<void>;
  readonly inFlight: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startConsumer<T>(opts: ConsumerOptions<T>): Consumer {
  const { queue, logger } = opts;
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  let slotFreed: (() => void) | undefined;

  const renewEveryMs = Math.max(200, (queue.leaseSeconds * 1000) / 3);

  const runOne = async (message: ReceivedMessage<T>) => {
    const renew = setInterval(() => {
      queue.extend(message, queue.leaseSeconds).catch((err: unknown) => {
        logger.warn({ err }, "could not extend a message lease");
      });
    }, renewEveryMs);
    try {
      const outcome = await opts.handle(message);
      clearInterval(renew);
      if (outcome.ack) await queue.ack(message);
      else await queue.release(message, outcome.retryInSeconds);
    } catch (err) {
      clearInterval(renew);
      // Unexpected (database down…): leave the job for a later delivery, after a pause.
      logger.error({ err }, "job handler failed; the message will be redelivered");
      await queue.release(message, 5).catch(() => {});
    }
  };

  const loop = async () => {
    while (!abort.signal.aborted) {
      const free = opts.concurrency - running.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
        continue;
      }
      let messages: ReceivedMessage<T>[];
      try {
        messages = await queue.receive({
          max: free,
          waitMs: opts.pollWaitMs ?? 20_000,
          signal: abort.signal,
        });
      } catch (err) {
        logger.warn({ err }, "queue receive failed; retrying");
        await sleep(1000);
        continue;
      }
      for (const message of messages) {
        const p = runOne(message).finally(() => {
          running.delete(p);
          slotFreed?.();
          slotFreed = undefined;
        });
        running.add(p);
      }
    }
  };
  const looping = loop();

  return {
    get inFlight() {
      return running.size;
    },
    async stop(graceMs = 35_000) {
      abort.abort();
      slotFreed?.();
      await looping;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      });
      await Promise.race([Promise.allSettled([...running]), grace]);
      clearTimeout(timer);
    },
  };
}
