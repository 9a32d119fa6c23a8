// The growth measure the hostile-input tests rely on: it must flag work that blows up and
// pass work that is linear, including linear work with one step in its cost (what V8's
// large-object space costs on a machine with slow page faults).
import { describe, expect, it } from "vitest";
import { doublingRatio, MAX_DOUBLING_RATIO } from "./growth.js";

const make = (n: number) => "a".repeat(n);

/** Touches every character `times` times: linear work. */
function scan(s: string, times = 1): number {
  let h = 0;
  for (let t = 0; t < times; t++) for (let i = 0; i < s.length; i++) h = (h + s.charCodeAt(i)) | 0;
  return h;
}

describe("doublingRatio", () => {
  it("reads linear work as linear", () => {
    expect(doublingRatio(make, 100_000, (s) => scan(s, 4))).toBeLessThan(MAX_DOUBLING_RATIO);
  });

  it("flags quadratic work", () => {
    // Every pair of characters: reads ~4 over both doublings measured (no linear part to
    // dilute it), each over at least 30 ms of CPU so that load on the machine averages out.
    const quadratic = (s: string) => {
      let h = 0;
      for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) h = (h + i * j) | 0;
      return h;
    };
    expect(doublingRatio(make, 4_000, quadratic, 30)).toBeGreaterThanOrEqual(MAX_DOUBLING_RATIO);
  });

  it("flags exponential work (what a backtracking pattern does)", () => {
    // The ways to split the input into pieces of one and two characters, each tried: the
    // paths of /^(a|aa)+$/ on a's then "!" (written out: V8's regexp engine switches to a
    // linear one past a backtrack budget). Doubling 10 → 20 multiplies them by ~120.
    const splits = (s: string, at = 0): number =>
      at >= s.length ? 1 : splits(s, at + 1) + (at + 2 <= s.length ? splits(s, at + 2) : 0);
    expect(doublingRatio(make, 20, splits, 0.5)).toBeGreaterThanOrEqual(MAX_DOUBLING_RATIO);
  });

  it("passes linear work with one step in its cost, above one size only", () => {
    // Linear, plus a fixed extra per character once the input passes 30 000 characters (the
    // shape of V8's large-object pages where page faults are slow): steep over one doubling.
    const stepped = (s: string) => scan(s, s.length > 30_000 ? 8 : 1);
    expect(doublingRatio(make, 40_000, stepped)).toBeLessThan(MAX_DOUBLING_RATIO);
  });
});
