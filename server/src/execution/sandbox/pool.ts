// The warm pool: keeps `size` runners started and ready, hands each to exactly one job,
// caps how many jobs run at once, and queues the rest first-in first-out (a burst waits,
// it never fails). Used runners are replaced in the background.
import type { Logger } from "pino";
import type { UidAllocator } from "./uid-allocator.js";
import type { WarmProcess } from "./warm-process.js";

export interface PoolOptions {
  size: number;
  maxConcurrent: number;
  /** Runners starting at once; more would steal CPU from running jobs. */
  spawnParallel: number;
  uids: UidAllocator;
  spawn: (uid: number) => WarmProcess;
  logger: Logger;
}

interface Waiter {
  resolve: (p: WarmProcess) => void;
  reject: (e: Error) => void;
}

export const MAX_FAILURES = 5;

export class SandboxPool {
  private readonly warm: WarmProcess[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly live = new Set<WarmProcess>();
  private busy = 0;
  private starting = 0;
  private failures = 0;
  private lastError: Error | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private refillScheduled = false;

  constructor(private readonly o: PoolOptions) {}

  stats() {
    return { warm: this.warm.length, busy: this.busy, queued: this.waiters.length };
  }

  /** Resolves with the first ready runner; call once (fill) to warm up at start. */
  start(): Promise<void> {
    this.pump();
    return new Promise<WarmProcess>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    }).then((p) => {
      this.warm.unshift(p);
      this.pump();
    });
  }

  acquire(): Promise<WarmProcess> {
    if (this.closed) return Promise.reject(new Error("sandbox pool is closed"));
    return new Promise<WarmProcess>((resolve, reject) => {
      this.waiters.push({
        resolve: (p) => {
          this.busy++;
          resolve(p);
        },
        reject,
      });
      this.pump();
    });
  }

  /** The runner has been used: it is never handed out again. */
  release(p: WarmProcess): void {
    this.busy--;
    p.kill();
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    while (this.waiters.length > 0 && this.warm.length > 0 && this.busy < this.o.maxConcurrent) {
      const p = this.warm.shift() as WarmProcess;
      (this.waiters.shift() as Waiter).resolve(p);
    }
    // Spawning forks this process (~1-3 ms of blocked event loop). When a warm runner is
    // left and nobody waits, refill only once no job is in flight, so that block never
    // lands between a job and its answer; otherwise on the next turn, after the job just
    // handed out has been written to its runner.
    const urgent = this.waiters.length > 0 || this.warm.length === 0 || this.busy === 0;
    if (urgent && !this.refillScheduled) {
      this.refillScheduled = true;
      setImmediate(() => this.refill());
    }
  }

  private refill(): void {
    this.refillScheduled = false;
    if (this.closed) return;
    const wanted = Math.max(
      this.o.size,
      Math.min(this.waiters.length, this.o.maxConcurrent - this.busy),
    );
    while (
      this.retryTimer === undefined &&
      this.starting < this.o.spawnParallel &&
      this.warm.length + this.starting < wanted &&
      this.o.uids.available > 0
    ) {
      this.spawnOne();
    }
  }

  private spawnOne(): void {
    const uid = this.o.uids.take() as number;
    this.starting++;
    const p = this.o.spawn(uid);
    this.live.add(p);
    void p.closed.then(() => {
      this.live.delete(p);
      this.o.uids.release(uid);
      const i = this.warm.indexOf(p);
      if (i >= 0) this.warm.splice(i, 1); // died while idle
      this.pump();
    });
    p.ready.then(
      () => {
        this.starting--;
        this.failures = 0;
        if (this.closed) return p.kill();
        this.warm.push(p);
        this.pump();
      },
      (e: Error) => {
        this.starting--;
        if (this.closed) return; // killed by close(), not a failure
        this.failures++;
        this.lastError = e;
        this.o.logger.error({ err: e, uid }, "sandbox start failed");
        if (this.failures >= MAX_FAILURES) this.failWaiters(e);
        // Back off so a broken host does not turn into a spawn loop.
        const delay = Math.min(2000, 25 * 2 ** this.failures);
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = undefined;
          this.pump();
        }, delay);
      },
    );
  }

  private failWaiters(e: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  get error(): Error | undefined {
    return this.lastError;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.failWaiters(new Error("sandbox pool is closed"));
    this.warm.length = 0;
    const all = [...this.live];
    for (const p of all) p.kill();
    await Promise.all(all.map((p) => p.closed));
  }
}
