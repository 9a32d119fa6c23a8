// Issue 10 item 2, the analysis side: a model's answer is text a user can steer (the code
// is in the prompt), parsed on the event loop. Every parsing step, fed answers built to make
// regular expressions backtrack at the largest size the parser reads, finishes within the
// 100 ms the loop may be held.
import { describe, expect, it } from "vitest";
import { normalizeComplexity } from "../../src/analysis/complexity-notation.js";
import { parseComplexityAnswer } from "../../src/analysis/complexity-parser.js";

const BUDGET_MS = 100;
const MAX_ANSWER_CHARS = 200_000;
const fill = (unit: string, size: number) =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

function costMs(fn: () => unknown): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const answers: Record<string, string> = {
  "a bare object with an unquoted key then spaces": `{,a${fill(" ", MAX_ANSWER_CHARS - 4)}x}`,
  "many unquoted keys and spaces": `{${fill(",a a    ", MAX_ANSWER_CHARS - 2)}}`,
  "a value of spaces": `{"time_complexity": "a${fill(" ", MAX_ANSWER_CHARS - 40)}x"}`,
  "decoration then a letter": `${fill("`*_ ", MAX_ANSWER_CHARS - 1)}x`,
  "fence openers": fill("```py\n", MAX_ANSWER_CHARS),
  "quotes without end": `{'${fill("a", MAX_ANSWER_CHARS - 2)}`,
  "time complexity headings": fill("time complexity: O(", MAX_ANSWER_CHARS),
  "nested parentheses": `O${fill("(", MAX_ANSWER_CHARS / 2)}${fill(")", MAX_ANSWER_CHARS / 2)}`,
};

describe("model answers built to backtrack", () => {
  for (const [name, answer] of Object.entries(answers)) {
    it(`${name} (${answer.length} chars): parse and normalise within ${BUDGET_MS} ms`, () => {
      expect(costMs(() => parseComplexityAnswer(answer))).toBeLessThan(BUDGET_MS);
      expect(costMs(() => normalizeComplexity(answer))).toBeLessThan(BUDGET_MS);
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
