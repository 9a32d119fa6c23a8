// Paraphrase expansion (query-expansion.ts): a phrase that stands for an algorithm adds its
// name once; other text is left alone.
import { describe, expect, it } from "vitest";
import { expandQuery } from "../../src/search/query-expansion.js";

describe("expandQuery", () => {
  it("adds the algorithm a phrase stands for", () => {
    expect(expandQuery("schedule jobs that have prerequisites")).toBe(
      "schedule jobs that have prerequisites topological sort",
    );
    expect(expandQuery("are two strings made of the same characters")).toMatch(/ anagram$/);
    expect(expandQuery("numbers with no divisors except one and themselves")).toMatch(/ prime$/);
  });

  it("leaves other text, and a query already naming the algorithm, unchanged", () => {
    for (const q of ["binary search", "topological sort with prerequisites", "", "same size"]) {
      expect(expandQuery(q)).toBe(q);
    }
  });
});
