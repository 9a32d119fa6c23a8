// Per-user sliding-window rate limit: at most `limit` events in any 60 s window. Exact
// (a log of timestamps per user, at most `limit` long), so a burst at a window edge
// cannot double the allowance as a fixed window would.
const WINDOW_MS = 60_000;

export class SlidingWindowLimiter {
  private readonly log = new Map<string, number[]>();
  private calls = 0;

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`invalid rate limit ${limit}`);
  }

  /** Records an event; returns 0 when allowed, else the seconds to wait. */
  hit(key: string): number {
    const now = this.now();
    if (++this.calls % 1000 === 0) this.sweep(now);
    const times = (this.log.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (times.length >= this.limit) {
      this.log.set(key, times);
      return Math.max(1, Math.ceil(((times[0] as number) + WINDOW_MS - now) / 1000));
    }
    times.push(now);
    this.log.set(key, times);
    return 0;
  }

  /** Forgets users with no event in the window, so the map stays as big as active users. */
  private sweep(now: number): void {
    for (const [key, times] of this.log) {
      if ((times.at(-1) as number) <= now - WINDOW_MS) this.log.delete(key);
    }
  }

  get size(): number {
    return this.log.size;
  }
}
