// Sync through the JobQueue (SQS FIFO in AWS and self-hosted): a relay publishes one
// message per snippet with ready outbox events, and any number of `npm run sync-worker`
// consumers apply them — in parallel across snippets, in order within one (the message group
// is the snippet id). The outbox stays the source of truth: a message is only a wake-up, so
// a lost, duplicated or dead-lettered message costs nothing — the relay publishes again
// while events are pending, with a new dedup id after each failed attempt.

import type { Logger } from "pino";
import type { JobQueue } from "../jobs/queue/job-queue.js";
import type { Consumer } from "../jobs/queue/queue-consumer.js";
import { startConsumer } from "../jobs/queue/queue-consumer.js";
import type { SyncService } from "./sync-service.js";

export interface SyncMessage {
  snippet_id: string;
  user_id: string;
}

/** Publishes a wake-up for every snippet with ready events; returns how many. */
export async function publishReady(
  sync: Pick<SyncService, "ready">,
  queue: JobQueue<SyncMessage>,
  limit = 500,
): Promise<number> {
  const ready = await sync.ready(limit);
  for (const p of ready) {
    await queue.enqueue(
      { snippet_id: p.snippetId, user_id: p.userId },
      // Same events, same attempt: same id, so the broker drops the repeat.
      { groupId: p.snippetId, dedupId: `${p.snippetId}:${p.maxId}:${p.attempts}` },
    );
  }
  return ready.length;
}

export function startSyncConsumer(opts: {
  sync: Pick<SyncService, "drainSnippet">;
  queue: JobQueue<SyncMessage>;
  logger: Pick<Logger, "warn" | "error">;
  concurrency?: number;
  pollWaitMs?: number;
}): Consumer {
  return startConsumer<SyncMessage>({
    queue: opts.queue,
    concurrency: opts.concurrency ?? 4,
    logger: opts.logger,
    ...(opts.pollWaitMs !== undefined && { pollWaitMs: opts.pollWaitMs }),
    // Always ack: a deferred snippet keeps its events pending with a back-off, and the
    // relay publishes it again when it is due.
    handle: async (message) => {
      await opts.sync.drainSnippet(message.body.snippet_id);
      return { ack: true };
    },
  });
}
