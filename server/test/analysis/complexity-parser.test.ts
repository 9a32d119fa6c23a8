import { describe, expect, it } from "vitest";
import { normalizeComplexity } from "../../src/analysis/complexity-notation.js";
import { parseComplexityAnswer } from "../../src/analysis/complexity-parser.js";

describe("normalizeComplexity", () => {
  it.each([
    ["O(1)", "O(1)"],
    ["o(1)", "O(1)"],
    ["O(N)", "O(n)"],
    ["O( n )", "O(n)"],
    ["O(n²)", "O(n^2)"],
    ["O(n³)", "O(n^3)"],
    ["O(N^2)", "O(n^2)"],
    ["O(n**2)", "O(n^2)"],
    ["O(n^{2})", "O(n^2)"],
    ["O(n^(2))", "O(n^2)"],
    ["O(n*n)", "O(n^2)"],
    ["Θ(n log n)", "O(n log n)"],
    ["θ(n)", "O(n)"],
    ["Ω(n)", "O(n)"],
    ["O(n*log(n))", "O(n log n)"],
    ["O(nlogn)", "O(n log n)"],
    ["O(n lg n)", "O(n log n)"],
    ["O(N log N)", "O(n log n)"],
    ["O(n · log n)", "O(n log n)"],
    ["O(n log_2 n)", "O(n log n)"],
    ["O(log(n))", "O(log n)"],
    ["O(logn)", "O(log n)"],
    ["O(log2 n)", "O(log n)"],
    ["O((log n)^2)", "O(log^2 n)"],
    ["O(2^n)", "O(2^n)"],
    ["O(2**n)", "O(2^n)"],
    ["O(2ⁿ)", "O(2^n)"],
    ["O(n!)", "O(n!)"],
    ["O(sqrt(n))", "O(sqrt n)"],
    ["O(√n)", "O(sqrt n)"],
    ["O(n^0.5)", "O(sqrt n)"],
    ["O(n^2 log n)", "O(n^2 log n)"],
    ["O(V + E)", "O(v + e)"],
    ["O(m*n)", "O(n*m)"],
    ["O(2n)", "O(n)"],
    ["O(n/2)", "O(n)"],
    ["O(n + n)", "O(n)"],
    ["`O(n)`", "O(n)"],
    ["**O(n)**", "O(n)"],
    ["Big O(n)", "O(n)"],
    ["O(n) in the worst case", "O(n)"],
    ["linear", "O(n)"],
    ["Quadratic time", "O(n^2)"],
    ["constant", "O(1)"],
    ["logarithmic", "O(log n)"],
    ["linearithmic", "O(n log n)"],
    ["cubic", "O(n^3)"],
    ["exponential", "O(2^n)"],
    ["factorial", "O(n!)"],
    ["n^2", "O(n^2)"],
    ["O(depends on input)", null],
    ["O(", null],
    ["unknown", null],
    ["", null],
    ["foo(n)", null],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeComplexity(raw)).toBe(expected);
  });

  it("rejects non-strings", () => {
    expect(normalizeComplexity(42)).toBeNull();
    expect(normalizeComplexity(null)).toBeNull();
    expect(normalizeComplexity({ time: "O(n)" })).toBeNull();
  });
});

const sections = "## Algorithm\n\nLoops.\n\n## Time Complexity\n\nSee below.\n\n";

describe("parseComplexityAnswer", () => {
  it("reads a fenced json block and strips it from the narrative", () => {
    const text = `${sections}\`\`\`json\n{"time_complexity": "O(n^2)", "space_complexity": "O(1)"}\n\`\`\``;
    const r = parseComplexityAnswer(text);
    expect(r).toMatchObject({
      success: true,
      time_complexity: "O(n^2)",
      space_complexity: "O(1)",
      error: null,
    });
    expect(r.narrative).not.toContain("```");
    expect(r.narrative).toContain("## Algorithm");
  });

  it("reads a fence without a language tag, or tagged JSON in capitals", () => {
    expect(
      parseComplexityAnswer('```\n{"time_complexity":"O(n)","space_complexity":"O(n)"}\n```')
        .time_complexity,
    ).toBe("O(n)");
    expect(
      parseComplexityAnswer('```JSON\n{"time_complexity":"O(1)","space_complexity":"O(1)"}\n```')
        .time_complexity,
    ).toBe("O(1)");
  });

  it("reads a bare object in prose", () => {
    const r = parseComplexityAnswer(
      'Result: {"time_complexity": "O(log n)", "space_complexity": "O(1)"} done.',
    );
    expect(r).toMatchObject({
      success: true,
      time_complexity: "O(log n)",
      space_complexity: "O(1)",
    });
  });

  it("tolerates trailing commas, single quotes, comments and unquoted keys", () => {
    const cases = [
      '```json\n{"time_complexity": "O(n)", "space_complexity": "O(1)",}\n```',
      "```json\n{'time_complexity': 'O(n)', 'space_complexity': 'O(1)'}\n```",
      '```json\n{\n  // the loop\n  "time_complexity": "O(n)",\n  "space_complexity": "O(1)"\n}\n```',
      '```json\n{time_complexity: "O(n)", space_complexity: "O(1)"}\n```',
    ];
    for (const text of cases) {
      expect(parseComplexityAnswer(text)).toMatchObject({
        success: true,
        time_complexity: "O(n)",
        space_complexity: "O(1)",
      });
    }
  });

  it("normalises odd notation inside the block", () => {
    const r = parseComplexityAnswer(
      '```json\n{"time_complexity": "O(N²)", "space_complexity": "Θ(n*log(n))"}\n```',
    );
    expect(r).toMatchObject({ time_complexity: "O(n^2)", space_complexity: "O(n log n)" });
  });

  it("lets the last of several blocks win", () => {
    const text =
      '```json\n{"time_complexity": "O(n^2)", "space_complexity": "O(1)"}\n```\nCorrection:\n' +
      '```json\n{"time_complexity": "O(n log n)", "space_complexity": "O(n)"}\n```';
    expect(parseComplexityAnswer(text)).toMatchObject({
      time_complexity: "O(n log n)",
      space_complexity: "O(n)",
    });
  });

  it("accepts other key spellings and nesting", () => {
    expect(
      parseComplexityAnswer('```json\n{"timeComplexity": "O(n)", "spaceComplexity": "O(1)"}\n```'),
    ).toMatchObject({
      time_complexity: "O(n)",
      space_complexity: "O(1)",
    });
    expect(
      parseComplexityAnswer('```json\n{"complexity": {"time": "O(n)", "space": "O(n)"}}\n```'),
    ).toMatchObject({
      time_complexity: "O(n)",
      space_complexity: "O(n)",
    });
    expect(parseComplexityAnswer('```json\n{"Time-Complexity": "O(1)"}\n```').time_complexity).toBe(
      "O(1)",
    );
  });

  it("recovers values from a block that is not JSON at all", () => {
    const r = parseComplexityAnswer(
      "```json\ntime_complexity = O(n^2)\nspace_complexity = O(n)\n```",
    );
    expect(r).toMatchObject({ success: true, time_complexity: "O(n^2)", space_complexity: "O(n)" });
  });

  it("ignores python code fences", () => {
    const text =
      '```python\nx = {"time": 1}\n```\n```json\n{"time_complexity": "O(1)", "space_complexity": "O(1)"}\n```';
    expect(parseComplexityAnswer(text).time_complexity).toBe("O(1)");
  });

  it("falls back to the prose when there is no block", () => {
    const text =
      "## Time Complexity\n\n**O(n log n)** because of the sort.\n\n## Space Complexity\n\nO(n) for the copy.";
    expect(parseComplexityAnswer(text)).toMatchObject({
      success: true,
      time_complexity: "O(n log n)",
      space_complexity: "O(n)",
    });
    const inline = parseComplexityAnswer(
      "The time complexity is O(n^2) and the space complexity is O(1).",
    );
    expect(inline).toMatchObject({ time_complexity: "O(n^2)", space_complexity: "O(1)" });
  });

  it("falls back to the prose when the block has no usable time value", () => {
    const text =
      '## Time Complexity\nO(n)\n```json\n{"time_complexity": "it depends", "space_complexity": "O(1)"}\n```';
    expect(parseComplexityAnswer(text)).toMatchObject({ success: true, time_complexity: "O(n)" });
  });

  it("keeps success when only the space value is missing", () => {
    const r = parseComplexityAnswer('```json\n{"time_complexity": "O(n)"}\n```');
    expect(r).toMatchObject({ success: true, time_complexity: "O(n)", space_complexity: null });
  });

  it("reports a malformed block with no values anywhere", () => {
    const r = parseComplexityAnswer('Here you go:\n```json\n{"time_complexity": \n```');
    expect(r.success).toBe(false);
    expect(r.error).toMatch(/time_complexity/);
  });

  it("reports an answer with no complexity at all", () => {
    const r = parseComplexityAnswer("I cannot analyse this code.");
    expect(r).toMatchObject({ success: false, time_complexity: null, space_complexity: null });
    expect(r.error).toMatch(/no complexity/i);
    expect(r.narrative).toBe("I cannot analyse this code.");
  });

  it("reports empty and non-string answers without throwing", () => {
    for (const answer of ["", "   \n", undefined, null, 42]) {
      const r = parseComplexityAnswer(answer);
      expect(r.success).toBe(false);
      expect(r.error).toMatch(/empty/);
    }
  });

  it("survives huge and adversarial answers", () => {
    const huge = `${"{".repeat(50_000)}${"x".repeat(300_000)}`;
    expect(parseComplexityAnswer(huge).success).toBe(false);
    const nested = `\`\`\`json\n${'{"a":'.repeat(2000)}1${"}".repeat(2000)}\n\`\`\``;
    expect(() => parseComplexityAnswer(nested)).not.toThrow();
  });
});
