// Fair use of the sandbox slots of one process (issue 10 item 5). Every run of this process
// — sync /execute and the in-process async worker alike — asks for a slot here, named by
// its user. A free slot goes to the waiting user with the fewest runs in progress, ties to
// the one served longest ago; each user's own runs keep their order. So a user's backlog
// is never ahead of another user's single run: that run waits at most for the first slot
// to free up. Beyond the slots, `reserve` more are kept for users with nothing running:
// while one user floods every slot with runs that each last to their 30 s timeout, a
// newcomer's run starts at once instead of waiting for one of them to end — and a lone
// user still gets every slot (a slot kept back from them cost one user at concurrency 8
// 15-25% of its runs per second). The sandbox behind is sized for slots + reserve.
// (Across workers of the shared job queue, jobs/execution-job-repo.ts
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

  /** `slots` for anyone, then `reserve` more only for a user with no run in progress. */
  constructor(
    readonly slots: number,
    readonly reserve = 0,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`invalid slot count ${slots}`);
    if (!Number.isInteger(reserve) || reserve < 0) throw new Error(`invalid reserve ${reserve}`);
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
    while (this.active < this.slots + this.reserve && this.waiting.size > 0) {
      const user = this.next();
      // Past `slots`, only a user with nothing running may start; next() picks the waiting
      // user with the fewest runs, so if it has one, every waiting user has.
      if (this.active >= this.slots && (this.runningOf.get(user) ?? 0) > 0) break;
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

  /** The waiting user with the fewest runs in progress, then the least recently served. */
  private next(): string {
    let best: string | undefined;
    let bestRunning = Number.POSITIVE_INFINITY;
    let bestServed = Number.POSITIVE_INFINITY;
    for (const user of this.waiting.keys()) {
      const running = this.runningOf.get(user) ?? 0;
      const served = this.servedAt.get(user) ?? 0;
      if (running < bestRunning || (running === bestRunning && served < bestServed)) {
        best = user;
        bestRunning = running;
        bestServed = served;
      }
    }
    return best as string;
  }
}
