// Sync through the JobQueue: a relay publishes one wake-up per snippet, consumers apply them.
// Messages are only hints — the outbox stays the truth — so duplicates are dropped, and a
// snippet deferred while the index is down is published again when its back-off ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../../src/jobs/queue/job-queue.js";
import { MemoryQueue } from "../../src/jobs/queue/memory-queue.js";
import { SqsQueue } from "../../src/jobs/queue/sqs-queue.js";
import { publishReady, type SyncMessage, startSyncConsumer } from "../../src/search/sync-queue.js";
import {
  type Broker,
  createFifoQueues,
  sqsClient,
  startBroker,
  type TestQueues,
} from "../jobs/sqs-helpers.js";
import { createHarness, type Harness, SwitchableIndex } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const input = (title: string) => ({
  title,
  code: `def ${title.toLowerCase().replace(/\W+/g, "_")}(xs):\n    return sorted(xs)\n`,
  description: null,
  language: "python",
  isStarred: false,
});
const silent = { warn: () => {}, error: () => {} } as never;

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error("condition not met in time");
}

describe.each(["memory", "sqs"] as const)("sync through the %s queue", (kind) => {
  const index = new SwitchableIndex();
  let h: Harness;
  let queue: JobQueue<SyncMessage>;
  let broker: Broker | undefined;
  let queues: TestQueues | undefined;
  beforeAll(async () => {
    h = await createHarness("postgres:pglite", { wrapIndex: (i) => index.wrap(i) });
    if (kind === "memory") {
      queue = new MemoryQueue<SyncMessage>({ leaseSeconds: 5 });
    } else {
      broker = await startBroker();
      const client = sqsClient(broker.endpoint);
      queues = await createFifoQueues(client, { visibilityTimeout: 5, maxReceiveCount: 3 });
      queue = await SqsQueue.open<SyncMessage>({ client, queueUrl: queues.queueUrl });
    }
  });
  afterAll(async () => {
    await queue?.close();
    await queues?.delete();
    await broker?.stop();
    await h?.close();
  });

  it("publishes once per snippet, applies every snippet's events, and survives an index outage", async () => {
    const user = await h.newUser();
    const a = await h.snippets.create(user, input("Tim sort"));
    await h.snippets.update(user, a.id, { title: "Timsort, the hybrid merge sort" });
    const b = await h.snippets.create(user, input("Gnome sort"));
    expect(await publishReady(h.sync, queue)).toBe(2);
    await publishReady(h.sync, queue); // same events: the broker drops the repeats

    const consumer = startSyncConsumer({ sync: h.sync, queue, logger: silent, pollWaitMs: 200 });
    try {
      await until(async () => (await h.sync.pendingCount()) === 0);
      const hits = (await h.search.search(user, "timsort hybrid merge", 5)).results;
      expect(hits[0]?.snippetId).toBe(a.id);

      // Down: the consumer defers, the events stay pending, the relay republishes when due.
      index.down = true;
      const c = await h.snippets.create(user, input("Pancake sort"));
      await publishReady(h.sync, queue);
      await until(async () => {
        const [e] = await h.sync.ready(10);
        return e === undefined || e.attempts > 0;
      });
      expect(await h.sync.pendingCount()).toBe(1);
      index.down = false;
      await until(async () => {
        await publishReady(h.sync, queue);
        return (await h.sync.pendingCount()) === 0;
      });
      const found = (await h.search.search(user, "pancake sort", 5)).results.map(
        (r) => r.snippetId,
      );
      expect(found[0]).toBe(c.id);
      expect(found).not.toContain(undefined);
      // The second snippet's event was applied too, not only the first's.
      const gnome = (await h.search.search(user, "gnome sort", 5)).results;
      expect(gnome[0]?.snippetId).toBe(b.id);
    } finally {
      await consumer.stop(2_000);
    }
  });
});
