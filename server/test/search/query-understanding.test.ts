// Deterministic query understanding: a table of queries and the structured query each means.
import { describe, expect, it } from "vitest";
import { complexityRank, indexNotation } from "../../src/analysis/complexity-notation.js";
import { parseQueryRules } from "../../src/search/query-rules.js";

describe("query rules", () => {
  const table: [string, object][] = [
    ["sorting algorithms", { text: "sorting", order: "relevance" }],
    ["my O(n^2) code", { text: "", time: { min: "O(n^2)", max: "O(n^2)" } }],
    ["my O(n²) code", { text: "", time: { min: "O(n^2)", max: "O(n^2)" } }],
    ["quadratic sorting", { text: "sorting", time: { min: "O(n^2)", max: "O(n^2)" } }],
    ["log-linear sorts", { text: "sorts", time: { min: "O(n log n)", max: "O(n log n)" } }],
    ["O(n log n) merge", { text: "merge", time: { min: "O(n log n)", max: "O(n log n)" } }],
    ["fastest", { text: "", order: "fastest" }],
    ["my slowest code", { text: "", order: "slowest" }],
    ["slowest first", { text: "", order: "slowest" }],
    ["my python sorting code", { text: "sorting", language: "python" }],
    [
      "efficient python searching",
      { text: "searching", language: "python", time: { max: "O(n log n)" } },
    ],
    ["code worse than O(n)", { text: "", time: { min: "O(n log n)" } }],
    ["better than O(n^2) sorting", { text: "sorting", time: { max: "O(n log n)" } }],
    ["at most O(log n)", { text: "", time: { max: "O(log n)" } }],
    [
      "constant space graph traversal",
      { text: "graph traversal", space: { min: "O(1)", max: "O(1)" } },
    ],
    ["O(1) space sorting", { text: "sorting", space: { min: "O(1)", max: "O(1)" } }],
    ["linear search in O(n) time", { text: "linear search", time: { min: "O(n)", max: "O(n)" } }],
    [
      "linear time string matching",
      { text: "string matching", time: { min: "O(n)", max: "O(n)" } },
    ],
    ["top 3 starred javascript", { text: "", starred: true, language: "javascript", limit: 3 }],
    ["newest c++ code", { text: "", language: "cpp", order: "newest" }],
    ["naive fibonacci", { text: "naive fibonacci", time: { min: "O(n^2)" } }],
    ["exponential recursion", { text: "recursion", time: { min: "O(2^n)", max: "O(2^n)" } }],
    ["binary search?", { text: "binary search" }],
    // A speed word orders or filters only when it describes the user's code.
    ["fastest sorting code", { text: "sorting", order: "fastest" }],
    [
      "find the quickest route between cities",
      { text: "shortest path between cities", order: "relevance" },
    ],
    ["fastest way between two nodes", { text: "shortest path between two nodes" }],
    ["quick sort", { text: "quick sort", order: "relevance" }],
    ["slow and fast pointers", { text: "slow fast pointers", order: "relevance" }],
  ];
  it.each(table)("%s", (q, expected) => {
    expect(parseQueryRules(q)).toMatchObject(expected);
  });

  it("keeps injection attempts as plain words, never as structure", () => {
    const q = parseQueryRules("'; DROP TABLE snippets; -- O(n)");
    expect(q.text).toBe("drop table");
    expect(q.time).toEqual({ min: "O(n)", max: "O(n)" });
  });

  it("caps the free text and limits", () => {
    expect(parseQueryRules("top 99 sorts").limit).toBe(50);
    expect(parseQueryRules("x ".repeat(400)).text.length).toBeLessThanOrEqual(500);
  });
});

describe("complexity notation", () => {
  it.each([
    ["O(N)", "O(n)"],
    ["o(n log n)", "O(n log n)"],
    ["O(n*log(n))", "O(n log n)"],
    ["O(n²)", "O(n^2)"],
    ["O(V + E)", "O(n)"],
    ["O(2^n)", "O(2^n)"],
    ["O(n!)", "O(n!)"],
    ["O(n * m * k)", "O(n * m * k)"],
  ])("%s → %s", (raw, canonical) => {
    expect(indexNotation(raw)).toBe(canonical);
  });

  it("ranks the ladder and leaves unknown forms unranked", () => {
    expect(complexityRank("O(1)")).toBe(0);
    expect(complexityRank("O(n^2)")).toBeGreaterThan(complexityRank("O(n log n)") as number);
    expect(complexityRank("O(n * m * k)")).toBeUndefined();
    expect(complexityRank(null)).toBeUndefined();
  });
});

describe("words handed on to search", () => {
  it("keeps a name written as code as typed and lower-cases the other words", () => {
    expect(parseQueryRules("ListNode reversal in O(n)").text).toBe("ListNode reversal");
    expect(parseQueryRules("Dijkstra debounced by setTimeout").text).toBe(
      "dijkstra debounced by setTimeout",
    );
  });
});
