// One contract, two adapters: the in-memory queue and SQS (the real AWS SDK against
// ElasticMQ) must behave the same for everything the job service relies on.
import { randomUUID } from "node:crypto";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../../src/jobs/queue/job-queue.js";
import { MemoryQueue } from "../../src/jobs/queue/memory-queue.js";
import { SqsQueue } from "../../src/jobs/queue/sqs-queue.js";
import {
  type Broker,
  createFifoQueues,
  sqsClient,
  startBroker,
  type TestQueues,
} from "./sqs-helpers.js";
import { sleep } from "./ws-client.js";

interface Body {
  n: number;
}

interface Harness {
  queue: JobQueue<Body>;
  /** Bodies that went to the dead-letter queue. */
  deadLetters(): Promise<Body[]>;
  cleanup(): Promise<void>;
}

const LEASE = 1;
const MAX_RECEIVES = 2;

let broker: Broker;
let client: SQSClient;
beforeAll(async () => {
  broker = await startBroker();
  client = sqsClient(broker.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await broker?.stop();
});

const adapters: Record<string, () => Promise<Harness>> = {
  memory: async () => {
    const queue = new MemoryQueue<Body>({ leaseSeconds: LEASE, maxReceiveCount: MAX_RECEIVES });
    return { queue, deadLetters: async () => queue.deadLetters, cleanup: () => queue.close() };
  },
  sqs: async () => {
    const q: TestQueues = await createFifoQueues(client, {
      visibilityTimeout: LEASE,
      maxReceiveCount: MAX_RECEIVES,
    });
    const queue = await SqsQueue.open<Body>({ client, queueUrl: q.queueUrl });
    return {
      queue,
      async deadLetters() {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: q.dlqUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as Body);
      },
      cleanup: q.delete,
    };
  },
};

const opts = (groupId = "user-1") => ({ groupId, dedupId: randomUUID() });

describe.each(Object.keys(adapters))("JobQueue contract: %s", (name) => {
  let h: Harness;
  const fresh = async () => {
    await h?.cleanup();
    h = await (adapters[name] as () => Promise<Harness>)();
    return h.queue;
  };
  afterAll(async () => h?.cleanup());

  it("delivers a message once acked, with its receive count and the queue's lease", async () => {
    const q = await fresh();
    expect(q.leaseSeconds).toBe(LEASE);
    expect(q.maxReceiveCount).toBe(MAX_RECEIVES);
    await q.enqueue({ n: 1 }, opts());
    const [m] = await q.receive({ max: 10, waitMs: 2000 });
    expect(m?.body).toEqual({ n: 1 });
    expect(m?.receiveCount).toBe(1);
    await q.ack(m as NonNullable<typeof m>);
    await sleep(LEASE * 1000 + 300);
    expect(await q.receive({ max: 10, waitMs: 500 })).toEqual([]);
  });

  it("drops a second enqueue with the same deduplication id", async () => {
    const q = await fresh();
    const o = opts();
    await q.enqueue({ n: 1 }, o);
    await q.enqueue({ n: 1 }, o);
    const got = await q.receive({ max: 10, waitMs: 1000 });
    expect(got).toHaveLength(1);
    await q.ack(got[0] as (typeof got)[0]);
    expect(await q.receive({ max: 10, waitMs: 500 })).toEqual([]);
  });

  it("keeps a group in order with one message in flight, other groups unblocked", async () => {
    const q = await fresh();
    await q.enqueue({ n: 1 }, opts("a"));
    await q.enqueue({ n: 2 }, opts("a"));
    await q.enqueue({ n: 3 }, opts("b"));
    const first = await q.receive({ max: 10, waitMs: 1000 });
    // ElasticMQ may hand out a group's batch at once; what must hold is that no message
    // of group "a" comes before message 1, and message 2 never comes alone before it.
    const bodies = first.map((m) => m.body.n);
    expect(bodies).toContain(1);
    expect(bodies.indexOf(2) === -1 || bodies.indexOf(2) > bodies.indexOf(1)).toBe(true);
    for (const m of first) await q.ack(m);
    if (!bodies.includes(2)) {
      const [second] = await q.receive({ max: 10, waitMs: 1000 });
      expect(second?.body.n).toBe(2);
      await q.ack(second as NonNullable<typeof second>);
    }
  });

  it("redelivers a message whose lease ran out (a consumer that died)", async () => {
    const q = await fresh();
    await q.enqueue({ n: 7 }, opts());
    const [m] = await q.receive({ max: 1, waitMs: 1000 });
    expect(m?.receiveCount).toBe(1);
    expect(await q.receive({ max: 1, waitMs: 0 })).toEqual([]);
    const [again] = await q.receive({ max: 1, waitMs: 3000 });
    expect(again?.body).toEqual({ n: 7 });
    expect(again?.receiveCount).toBe(2);
    await q.ack(again as NonNullable<typeof again>);
  });

  it("extend keeps a message invisible past its lease; release makes it visible again", async () => {
    const q = await fresh();
    await q.enqueue({ n: 8 }, opts());
    const [m] = await q.receive({ max: 1, waitMs: 1000 });
    await q.extend(m as NonNullable<typeof m>, 4);
    await sleep(LEASE * 1000 + 600);
    expect(await q.receive({ max: 1, waitMs: 100 })).toEqual([]);
    await q.release(m as NonNullable<typeof m>, 0);
    const [back] = await q.receive({ max: 1, waitMs: 2000 });
    expect(back?.body).toEqual({ n: 8 });
    await q.ack(back as NonNullable<typeof back>);
  });

  /** Which settles first: `pending`, or a control long poll of `controlWaitMs` on an empty
   * queue of the same adapter, started now. An ordering against a twin in the same run, not
   * a wall-clock bound: a poll that sat out its own (4x longer) wait loses to the control. */
  async function beatsControl(pending: Promise<unknown>, controlWaitMs: number) {
    const twin = await (adapters[name] as () => Promise<Harness>)();
    const stop = new AbortController();
    const control = twin.queue.receive({ max: 1, waitMs: controlWaitMs, signal: stop.signal });
    try {
      return await Promise.race([pending.then(() => "poll"), control.then(() => "control")]);
    } finally {
      stop.abort();
      await control;
      await twin.cleanup();
    }
  }

  it("long polling returns as soon as a message arrives", async () => {
    const q = await fresh();
    const pending = q.receive({ max: 1, waitMs: 20_000 });
    const first = beatsControl(pending, 5000);
    await sleep(200);
    await q.enqueue({ n: 9 }, opts());
    expect(await first).toBe("poll");
    const [m] = await pending;
    expect(m?.body).toEqual({ n: 9 });
    await q.ack(m as NonNullable<typeof m>);
  });

  it("moves a message to the dead-letter queue after maxReceiveCount deliveries", async () => {
    const q = await fresh();
    await q.enqueue({ n: 42 }, opts());
    for (let i = 1; i <= MAX_RECEIVES; i++) {
      const [m] = await q.receive({ max: 1, waitMs: 3000 });
      expect(m?.receiveCount).toBe(i);
      await q.release(m as NonNullable<typeof m>, 0);
    }
    expect(await q.receive({ max: 1, waitMs: 1500 })).toEqual([]);
    expect(await h.deadLetters()).toEqual([{ n: 42 }]);
  });

  it("an aborted long poll returns at once with nothing", async () => {
    const q = await fresh();
    const ctl = new AbortController();
    const pending = q.receive({ max: 1, waitMs: 20_000, signal: ctl.signal });
    const first = beatsControl(pending, 5000);
    await sleep(100);
    ctl.abort();
    expect(await first).toBe("poll");
    expect(await pending).toEqual([]);
  });
});
