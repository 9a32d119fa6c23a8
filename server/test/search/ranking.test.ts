// What a reply shows (ranking.ts): a query answers only when its best candidate reaches
// ANSWER_SCORE, and then shows every result down to MIN_SCORE; scores are never rescaled.
import { describe, expect, it } from "vitest";
import { ANSWER_SCORE, blend, MIN_SCORE, rank, STRONG_SCORE } from "../../src/search/ranking.js";

const CALIBRATION = { unrelated: 0.2, same: 0.6 };
/** The cosine whose calibrated semantic score, with no word match, blends to `score`. */
const cosineFor = (score: number) => 0.2 + (score / 0.9) * 0.4;

function ranked(scores: Record<string, number>) {
  return rank(
    Object.keys(scores),
    (id) => cosineFor(scores[id] as number),
    () => 0,
    CALIBRATION,
  );
}

describe("what a search reply shows", () => {
  it("keeps the thresholds in order", () => {
    expect(MIN_SCORE).toBeLessThan(ANSWER_SCORE);
    expect(ANSWER_SCORE).toBeLessThanOrEqual(STRONG_SCORE);
    expect(blend(0.5, 0)).toBeCloseTo(0.45);
  });

  it("answers nothing when no candidate reaches the answer score", () => {
    // Several loose candidates that each pass the per-result floor: still nothing.
    const got = ranked({ a: ANSWER_SCORE - 0.02, b: ANSWER_SCORE - 0.05, c: MIN_SCORE + 0.01 });
    expect(got).toEqual([]);
  });

  it("shows results down to the floor once one candidate answers, with their own scores", () => {
    const got = ranked({
      best: ANSWER_SCORE + 0.1,
      second: MIN_SCORE + 0.02,
      under: MIN_SCORE - 0.02,
    });
    expect(got.map((g) => g.id)).toEqual(["best", "second"]);
    expect(got[0]?.score).toBeCloseTo(ANSWER_SCORE + 0.1, 6);
    expect(got[1]?.score).toBeCloseTo(MIN_SCORE + 0.02, 6);
  });
});
