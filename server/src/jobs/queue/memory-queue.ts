// The embedded default: an in-process queue with the same semantics as SQS FIFO, so the
// job service cannot tell them apart — per-group order with one message in flight per group,
// deduplication by id, leases that expire (a stuck consumer's message comes back), and a
// dead-letter list after `maxReceiveCount` deliveries. It lives and dies with its process:
// the job service's sweeper re-enqueues rows left `queued`/`running` by a crash.
import { randomUUID } from "node:crypto";
import type { EnqueueOptions, JobQueue, ReceivedMessage } from "./job-queue.js";

interface Entry<T> {
  body: T;
  groupId: string;
  receiveCount: number;
  visibleAt: number;
  /** Current lease token; undefined when never received or released. */
  token: string | undefined;
}

export interface MemoryQueueOptions {
  leaseSeconds?: number;
  maxReceiveCount?: number;
  dedupWindowMs?: number;
  now?: () => number;
}

export class MemoryQueue<T> implements JobQueue<T> {
  readonly kind = "memory" as const;
  readonly leaseSeconds: number;
  /** Messages that exceeded maxReceiveCount (the DLQ), for inspection. */
  readonly deadLetters: T[] = [];
  private readonly entries: Entry<T>[] = [];
  private readonly dedup = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  readonly maxReceiveCount: number;
  private readonly dedupWindowMs: number;
  private readonly now: () => number;
  private closed = false;

  constructor(opts: MemoryQueueOptions = {}) {
    this.leaseSeconds = opts.leaseSeconds ?? 30;
    this.maxReceiveCount = opts.maxReceiveCount ?? 5;
    this.dedupWindowMs = opts.dedupWindowMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Messages not yet acked or dead-lettered (visible or leased). */
  get size(): number {
    return this.entries.length;
  }

  async enqueue(body: T, opts: EnqueueOptions): Promise<void> {
    const now = this.now();
    for (const [id, until] of this.dedup) if (until <= now) this.dedup.delete(id);
    if (this.dedup.has(opts.dedupId)) return;
    this.dedup.set(opts.dedupId, now + this.dedupWindowMs);
    this.entries.push({
      body,
      groupId: opts.groupId,
      receiveCount: 0,
      visibleAt: now,
      token: undefined,
    });
    this.wake();
  }

  async receive(opts: {
    max: number;
    waitMs: number;
    signal?: AbortSignal;
  }): Promise<ReceivedMessage<T>[]> {
    const deadline = this.now() + opts.waitMs;
    for (;;) {
      if (this.closed || opts.signal?.aborted) return [];
      const got = this.take(opts.max);
      if (got.length > 0) return got;
      const left = deadline - this.now();
      if (left <= 0) return [];
      await this.waitForChange(Math.min(left, this.nextVisibleIn()), opts.signal);
    }
  }

  async extend(message: ReceivedMessage<T>, seconds: number): Promise<void> {
    const entry = this.leased(message);
    if (entry) entry.visibleAt = this.now() + seconds * 1000;
  }

  async ack(message: ReceivedMessage<T>): Promise<void> {
    const entry = this.leased(message);
    if (!entry) return;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.wake();
  }

  async release(message: ReceivedMessage<T>, delaySeconds: number): Promise<void> {
    const entry = this.leased(message);
    if (!entry) return;
    entry.visibleAt = this.now() + delaySeconds * 1000;
    this.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  /** The entry still leased under this handle; a stale handle (lease lapsed and re-received) finds none. */
  private leased(message: ReceivedMessage<T>): Entry<T> | undefined {
    return this.entries.find((e) => e.token !== undefined && e.token === message.handle);
  }

  private take(max: number): ReceivedMessage<T>[] {
    const now = this.now();
    const blocked = new Set<string>();
    const out: ReceivedMessage<T>[] = [];
    for (let i = 0; i < this.entries.length && out.length < max; i++) {
      const entry = this.entries[i] as Entry<T>;
      // FIFO: only the head of a group may be delivered, and not while it is leased.
      if (blocked.has(entry.groupId)) continue;
      blocked.add(entry.groupId);
      if (entry.visibleAt > now) continue;
      if (entry.receiveCount >= this.maxReceiveCount) {
        this.entries.splice(i, 1);
        // Kept for inspection, bounded: the job rows hold the real record.
        if (this.deadLetters.length >= 1000) this.deadLetters.shift();
        this.deadLetters.push(entry.body);
        blocked.delete(entry.groupId);
        i -= 1;
        continue;
      }
      entry.receiveCount += 1;
      entry.token = randomUUID();
      entry.visibleAt = now + this.leaseSeconds * 1000;
      out.push({ body: entry.body, receiveCount: entry.receiveCount, handle: entry.token });
    }
    return out;
  }

  /** Milliseconds until the next leased or delayed message becomes visible. */
  private nextVisibleIn(): number {
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries) if (e.visibleAt > now) next = Math.min(next, e.visibleAt - now);
    return next;
  }

  private waitForChange(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      // A waiting consumer alone must not keep the process alive (the server does that).
      const timer = setTimeout(done, Math.max(1, ms));
      timer.unref();
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
