// Issue 10 item 2, the analysis side: a model's answer is text a user can steer (the code
// is in the prompt), parsed on the event loop. Every parsing step, fed answers built to make
// regular expressions backtrack up to the largest size the parser reads, does work that
// grows linearly with the answer: doubling the answer at most triples its CPU cost,
// measured in the same run (a backtracking pattern reads 4x or far more). The absolute cost
// at the largest size is printed by `npm run bench:hostile`.
import { describe, expect, it } from "vitest";
import { normalizeComplexity } from "../../src/analysis/complexity-notation.js";
import { parseComplexityAnswer } from "../../src/analysis/complexity-parser.js";
import { doublingRatio, MAX_DOUBLING_RATIO } from "../helpers/growth.js";
import { hostileAnswers, MAX_ANSWER_CHARS } from "./hostile-answer-inputs.js";

describe("model answers built to backtrack", () => {
  for (const [name, make] of Object.entries(hostileAnswers)) {
    it(`${name}: parse and normalise grow linearly up to ${MAX_ANSWER_CHARS} chars`, () => {
      const parse = doublingRatio(make, MAX_ANSWER_CHARS, parseComplexityAnswer);
      const normalise = doublingRatio(make, MAX_ANSWER_CHARS, normalizeComplexity);
      expect(parse, "parseComplexityAnswer cost, 2n over n").toBeLessThan(MAX_DOUBLING_RATIO);
      expect(normalise, "normalizeComplexity cost, 2n over n").toBeLessThan(MAX_DOUBLING_RATIO);
    });
  }

  it("still reads unquoted keys and decorated values", () => {
    expect(parseComplexityAnswer("{time complexity: 'O(n)', space: 'O(1)',}")).toMatchObject({
      time_complexity: "O(n)",
      space_complexity: "O(1)",
    });
    expect(normalizeComplexity("**linear**")).toBe("O(n)");
    expect(normalizeComplexity("`n log n`.")).toBe("O(n log n)");
  });
});
