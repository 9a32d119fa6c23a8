// How a step's cost grows with its input, for tests of hostile input: the question they
// ask is "does this blow up (quadratic, backtracking)?", which a ratio of two costs
// measured in the same run answers on any machine, where an absolute budget in ms depends
// on the machine's speed and load. (The absolute cost on the largest input is printed by
// `npm run bench:hostile`.)

/** CPU time of this process (ms) for `reps` calls of `fn`: the smallest of `rounds` rounds
 * after a warm-up. CPU, not wall time: on a shared machine the wall clock also counts the
 * time other processes held the core. The smallest round is the step's own cost, not a GC
 * pause's. */
export function cpuMs(fn: () => unknown, reps = 1, rounds = 3): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** CPU time (ms) of one round of `reps` calls, without a warm-up. */
function roundMs(fn: () => unknown, reps: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000;
}

/** cost(input of `size`) / cost(input of `size / 2`). Each is measured over enough calls
 * that the smaller input takes at least `minMs` of CPU per round, so the timer's resolution
 * does not decide the ratio. Linear work reads about 2, quadratic about 4, backtracking far
 * more; a step whose cost does not depend on the input reads about 1. A steep ratio is
 * measured again, up to three times, and the smallest counts: a blow-up is steep every
 * time, noise (a collection, another process on the core) is not.
 *
 * A ratio still steep is then measured over the doubling before (`size / 4` to `size / 2`)
 * and the smaller of the two is returned: a blow-up (quadratic work, backtracking) is steep
 * over every doubling, while a step in what the machine charges is steep over one. The step
 * seen: V8 keeps a string or array past 128 KiB in its large-object space, one fresh
 * mapping per value, so every 4 KiB page of it costs a page fault, which on a machine whose
 * page faults trap to the hypervisor (PVM guests, `pvm_no_zero_page` on the kernel's
 * command line) costs ~15 µs (a 140 000-character toLowerCase measured 70x a 120 000-one). */
export function doublingRatio(
  make: (size: number) => string,
  size: number,
  fn: (input: string) => unknown,
  minMs = 10,
): number {
  const upper = measuredRatio(make, size, fn, minMs);
  if (upper < MAX_DOUBLING_RATIO) return upper;
  return Math.min(upper, measuredRatio(make, Math.floor(size / 2), fn, minMs));
}

function measuredRatio(
  make: (size: number) => string,
  size: number,
  fn: (input: string) => unknown,
  minMs: number,
): number {
  const half = make(Math.floor(size / 2));
  const full = make(size);
  let reps = 1;
  while (reps < 1 << 16 && cpuMs(() => fn(half), reps, 1) < minMs) reps *= 2;
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3 && best >= MAX_DOUBLING_RATIO; attempt++) {
    // The two sizes take turns, each keeping its smallest round: load that comes or goes
    // during the measurement weighs on both alike. Measured one after the other, a burst
    // of load over the smaller input's rounds alone read a quadratic step as 2.96 and 2.98.
    fn(full);
    fn(half);
    let fullMs = Number.POSITIVE_INFINITY;
    let halfMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      fullMs = Math.min(
        fullMs,
        roundMs(() => fn(full), reps),
      );
      halfMs = Math.min(
        halfMs,
        roundMs(() => fn(half), reps),
      );
    }
    best = Math.min(best, fullMs / Math.max(halfMs, 1e-3));
  }
  return best;
}

/** The most the cost may grow when the input doubles: linear plus a margin for noise. */
export const MAX_DOUBLING_RATIO = 3;
