// Fair use of the sandbox slots of one process (issue 10 item 5). Every run of this process
// — sync /execute and the in-process async worker alike — asks for a slot here, named by
// its user. A free slot goes to the waiting user with the fewest runs in progress, ties to
// the one served longest ago; each user's own runs keep their order. So a user's backlog
// is never ahead of another user's single run: that run waits at most for the first slot
// to free up. With more than two slots, one user holds at most all but one of them at
// once, so that slot stays for the others: a newcomer's run starts at once instead of
// waiting for a flood's runs to end (each up to its 30 s timeout). On the 2-core machine
// (4 slots) a lone user still runs 3 at once, more than the cores. (Across workers of the shared job queue, jobs/execution-job-repo.ts
// othersGoFirst gives turns from the jobs table by a coarser rule: a backlog gives way to a
// user with far fewer active jobs, since each hand-back there costs a queue round trip.)
// Hand-written: a few dozen lines; the queue libraries on npm (p-queue…) order by priority
// or FIFO, not per-user round robin.

interface Waiter {
  grant: () => void;
}

export class FairScheduler {
  private active = 0;
  private readonly runningOf = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();
  /** A counter, not a clock: the order in which users last got a slot. */
  private readonly servedAt = new Map<string, number>();
  private served = 0;

  /** The most slots one user holds at once. */
  readonly perUser: number;

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`invalid slot count ${slots}`);
    this.perUser = slots > 2 ? slots - 1 : slots;
  }

  /** Runs `fn` once a slot is this user's turn; the slot is freed when it settles. */
  async run<T>(user: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(user);
    try {
      return await fn();
    } finally {
      this.release(user);
    }
  }

  stats(): { active: number; waiting: number; users: number } {
    let waiting = 0;
    for (const q of this.waiting.values()) waiting += q.length;
    return { active: this.active, waiting, users: this.waiting.size };
  }

  private acquire(user: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const queue = this.waiting.get(user) ?? [];
      queue.push({ grant: resolve });
      this.waiting.set(user, queue);
      this.pump();
    });
  }

  private release(user: string): void {
    this.active--;
    const n = (this.runningOf.get(user) ?? 1) - 1;
    if (n > 0) this.runningOf.set(user, n);
    else this.runningOf.delete(user);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.slots && this.waiting.size > 0) {
      const user = this.next();
      if (user === undefined) break; // every waiting user holds all it may
      const queue = this.waiting.get(user) as Waiter[];
      const waiter = queue.shift() as Waiter;
      if (queue.length === 0) this.waiting.delete(user);
      this.active++;
      this.runningOf.set(user, (this.runningOf.get(user) ?? 0) + 1);
      this.servedAt.set(user, ++this.served);
      waiter.grant();
    }
    // Forget users with nothing running or waiting, so the maps stay as big as the activity.
    if (this.servedAt.size > 4 * (this.slots + this.waiting.size) + 64) {
      for (const u of this.servedAt.keys())
        if (!this.waiting.has(u) && !this.runningOf.has(u)) this.servedAt.delete(u);
    }
  }

  /** The waiting user with the fewest runs in progress, then the least recently served;
   * none if every waiting user already holds `perUser` slots. */
  private next(): string | undefined {
    let best: string | undefined;
    let bestRunning = Number.POSITIVE_INFINITY;
    let bestServed = Number.POSITIVE_INFINITY;
    for (const user of this.waiting.keys()) {
      const running = this.runningOf.get(user) ?? 0;
      if (running >= this.perUser) continue;
      const served = this.servedAt.get(user) ?? 0;
      if (running < bestRunning || (running === bestRunning && served < bestServed)) {
        best = user;
        bestRunning = running;
        bestServed = served;
      }
    }
    return best;
  }
}
