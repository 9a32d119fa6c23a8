import { describe, expect, it } from "vitest";
import { violationSpan } from "../src/editor/diagnostics";

describe("violation → editor position", () => {
  const lines = ["x = 1", "import os", "  eval('1')"];
  it("maps a 1-based line and 0-based column to document offsets", () => {
    expect(violationSpan(lines, { line: 2, column: 0 })).toEqual({ from: 6, to: 12 });
    expect(violationSpan(lines, { line: 3, column: 2 })).toEqual({ from: 18, to: 22 });
  });
  it("clamps positions outside the document", () => {
    expect(violationSpan(lines, { line: 99, column: 99 })).toEqual({ from: 27, to: 27 });
    expect(violationSpan(lines, { line: 0, column: -3 })).toEqual({ from: 0, to: 1 });
  });
});
