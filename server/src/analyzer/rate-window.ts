// Per-user sliding one-minute window, in memory: analysis calls are cheap to admit and a
// replica-local limit is enough to stop one user from monopolising the model quota.

const WINDOW_MS = 60_000;

export interface RateWindow {
  /** Records a call; returns 0 when admitted, else the seconds until a slot frees up. */
  take(key: string): number;
}

export function createRateWindow(limitPerMinute: number, now: () => number = Date.now): RateWindow {
  const calls = new Map<string, number[]>();
  return {
    take(key) {
      if (limitPerMinute <= 0) return 0;
      const t = now();
      const recent = (calls.get(key) ?? []).filter((at) => at > t - WINDOW_MS);
      if (recent.length >= limitPerMinute) {
        calls.set(key, recent);
        const oldest = recent[0] ?? t;
        return Math.max(1, Math.ceil((oldest + WINDOW_MS - t) / 1000));
      }
      recent.push(t);
      calls.set(key, recent);
      // Forget idle users so the map does not grow with every caller ever seen.
      if (calls.size > 10_000) {
        for (const [k, v] of calls) if ((v.at(-1) ?? 0) <= t - WINDOW_MS) calls.delete(k);
      }
      return 0;
    },
  };
}
