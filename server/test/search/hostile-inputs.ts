// Inputs built to make text processing slow: each is at the largest size the API accepts
// (snippet code 100,000 characters, a search query 500). Regular-expression backtracking,
// per-definition rescans and quadratic splitting all show up on one of these.
import { MAX_SNIPPET_CODE_CHARS } from "../../src/snippets/snippet-schemas.js";

const fill = (unit: string, size: number) =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export function hostileCode(size = MAX_SNIPPET_CODE_CHARS): Record<string, string> {
  return {
    "a quote then escaped quotes": `"${fill('\\"', size - 1)}`,
    "single quotes then escapes": `'${fill("\\'", size - 1)}`,
    "an unterminated triple quote": `"""${fill("a ", size - 3)}`,
    "alternating quote kinds": fill(`"'`, size),
    "one long capitalised name": fill("A", size),
    "capitals then one lower": `${fill("AB", size - 1)}c`,
    "one long lower-case name": fill("abcdefghij", size),
    "many small recursive defs": fill("def a(b): a(b)\n", size),
    // Long partial matches of the idiom patterns (idioms.ts) at every position.
    "idiom prefixes": fill("a[i], a[i + 1] = a[i + 1], d[i][j] = min(d[i][j], d[i][k] + ", size),
    "many distinct defs": Array.from({ length: 8000 }, (_, i) => `def f${i}(x): return f${i}(x)\n`)
      .join("")
      .slice(0, size),
    "deeply indented loops": Array.from(
      { length: 400 },
      (_, i) => `${" ".repeat(i % 200)}for x in y:\n`,
    )
      .join("")
      .padEnd(size, "\n"),
    "a comment of hashes": fill("#", size),
    "digits and dots": fill("1.", size),
    operators: fill("//=**!=", size),
    "identifier soup": fill("aB_9 ", size),
    "whitespace only": fill(" \t", size),
  };
}

export function hostileQueries(size = 500): Record<string, string> {
  return {
    "big-O openers": fill("o(", size),
    "nested big-O": fill("O(O(n)", size),
    comparatives: fill("worse than ", size),
    "space words": fill("space memory ", size),
    "top N": fill("top 12 ", size),
    "one long word": fill("q", size),
    punctuation: fill("!?*", size),
    orderings: fill("fastest slowest ", size),
  };
}
