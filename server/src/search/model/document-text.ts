// What a sentence-embedding model reads for a snippet. Models are trained on prose, so code
// is turned into prose-like text: title and description, the comments and docstrings, the
// words of its identifiers ("binary_search" → "binary search") and what the code's shape
// says (recursive, nested loops, uses heapq) and the algorithm families its words name. Raw code tokens (brackets, indices) would use
// up the model's 256-token window and carry little meaning.

import { aliasOf, conceptsOf } from "../concepts.js";
import type { EmbeddableSnippet } from "../embedder.js";
import { codeIdioms } from "../idioms.js";
import { codeParts, stem } from "../text-features.js";

const SHAPES: Record<string, string> = {
  recursion: "recursive",
  "nested-loops": "nested loops",
  "triple-nested-loops": "triple nested loops",
  memoization: "memoized",
  sorts: "sorts",
};

const FAMILY_WORDS: Record<string, string> = {
  dynamic: "dynamic programming",
  strings: "string",
  linked: "linked list",
  backtracking: "backtracking recursion",
  window: "sliding window two pointers",
  bits: "bit manipulation",
  hashing: "hash map counting",
};

/** Up to `max` distinct words, in order of first appearance. */
function distinct(words: string[], max: number): string[] {
  const seen = new Set<string>();
  for (const w of words) {
    if (seen.size >= max) break;
    seen.add(w);
  }
  return [...seen];
}

export function modelDocumentText(d: EmbeddableSnippet): string {
  const parts = codeParts(d.code);
  const shape = parts.structure.flatMap((s) => {
    if (SHAPES[s]) return [SHAPES[s]];
    return s.startsWith("lib-") ? [`uses ${s.slice(4)}`] : [];
  });
  const families = distinct(
    [...parts.identifiers, ...parts.prose].flatMap((w) => conceptsOf(stem(aliasOf(w)))),
    6,
  ).map((f) => FAMILY_WORDS[f] ?? f);
  const pieces = [
    d.title,
    d.description,
    // What the code does by its idioms (idioms.ts), early: the model reads 256 tokens.
    codeIdioms(d.code).join(", "),
    distinct(parts.prose, 60).join(" "),
    distinct(parts.identifiers, 60).join(" "),
    distinct(shape, 8).join(", "),
    // The algorithm families its words belong to (concepts.ts): "bubble", "swap" → sorting.
    // Measured on the dev set: +0.04 recall@5 for the model; raw code cost 5× for less.
    families.join(", "),
  ];
  return pieces
    .filter((p): p is string => !!p && p.trim().length > 0)
    .join(". ")
    .slice(0, 4_000);
}
