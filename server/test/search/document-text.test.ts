// What the sentence-embedding model reads for a snippet (model/document-text.ts): two texts,
// what the code does (title, idioms, comments, names, libraries, algorithm families) with
// and without how it is written, whose embeddings are summed into the snippet's one vector
// (model-embedder.ts).
import { describe, expect, it } from "vitest";
import { modelDocumentTexts } from "../../src/search/model/document-text.js";

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

describe("the texts the model embeds for a snippet", () => {
  const [withShape, withoutShape] = modelDocumentTexts({
    title: "untitled",
    description: null,
    code,
    language: "python",
  });

  it("both keep what the code is about: its docstring, names and libraries", () => {
    for (const text of [withShape, withoutShape]) {
      expect(text).toContain("climb");
      expect(text).toContain("ways");
      expect(text).toContain("uses heapq");
      expect(text).toContain("uses functools");
    }
  });

  it("the first says how the code is written, the second leaves it out", () => {
    for (const shape of ["recursive", "nested loops", "memoized", "sorts"]) {
      expect(withShape).toMatch(new RegExp(`\\b${shape}\\b`));
      expect(withoutShape).not.toMatch(new RegExp(`\\b${shape}\\b`));
    }
  });
});
