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
    const quadratic = (s: string) => {
      let h = 0;
      for (let i = 0; i < s.length; i += 1) for (let j = 0; j < s.length; j += 64) h ^= i + j;
      return h;
    };
    expect(doublingRatio(make, 8_000, quadratic)).toBeGreaterThanOrEqual(MAX_DOUBLING_RATIO);
  });

  it("flags a backtracking regular expression", () => {
    const input = (n: number) => `${"a".repeat(n - 1)}!`;
    const backtracking = (s: string) => /^(a|aa)+$/.test(s);
    // Doubling 8 → 16 characters multiplies the ways to split the a's by ~50.
    expect(doublingRatio(input, 16, backtracking, 1)).toBeGreaterThanOrEqual(MAX_DOUBLING_RATIO);
  });

  it("passes linear work with one step in its cost, above one size only", () => {
    // Linear, plus a fixed extra per character once the input passes 30 000 characters (the
    // shape of V8's large-object pages where page faults are slow): steep over one doubling.
    const stepped = (s: string) => scan(s, s.length > 30_000 ? 8 : 1);
    expect(doublingRatio(make, 40_000, stepped)).toBeLessThan(MAX_DOUBLING_RATIO);
  });
});
