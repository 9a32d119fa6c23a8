// What the sentence-embedding model reads for a snippet (model/document-text.ts): what the
// code does (title, idioms, comments, names, libraries, algorithm families), not how it is
// written. Shape words made every snippet with nested loops or a sorted() call read a little
// alike to the model, and measured on the dev part they cost paraphrase queries recall.
import { describe, expect, it } from "vitest";
import { modelDocumentText } from "../../src/search/model/document-text.js";

// Recursive, memoized, a loop in a loop, a call to sorted() and a library import: every
// shape the code reader recognises (text-features.ts structuralHints).
const code = `import heapq
from functools import lru_cache

@lru_cache(maxsize=None)
def ways(n):
    """Count the ways to climb n stairs taking one or two steps at a time."""
    if n < 2:
        return 1
    return ways(n - 1) + ways(n - 2)

def pairs(xs):
    out = []
    for a in xs:
        for b in xs:
            out.append((a, b))
    heapq.heapify(out)
    return sorted(out)
`;

describe("the text the model embeds for a snippet", () => {
  const text = modelDocumentText({
    title: "untitled",
    description: null,
    code,
    language: "python",
  });

  it("keeps what the code is about: its docstring, names and libraries", () => {
    expect(text).toContain("climb");
    expect(text).toContain("ways");
    expect(text).toContain("uses heapq");
    expect(text).toContain("uses functools");
  });

  it("leaves out how the code is written", () => {
    for (const shape of ["recursive", "nested loops", "memoized", "sorts"])
      expect(text).not.toMatch(new RegExp(`\\b${shape}\\b`));
  });
});
