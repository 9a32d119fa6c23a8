// Inputs built to make text processing slow: each is at the largest size the API accepts
// (snippet code 100,000 characters, a search query 500). Regular-expression backtracking,
// per-definition rescans and quadratic splitting all show up on one of these.
import { codeIdioms } from "../../src/search/idioms.js";
import { lexicalTerms } from "../../src/search/lexical.js";
import { modelDocumentText } from "../../src/search/model/document-text.js";
import { OfflineEmbedder } from "../../src/search/offline-embedder.js";
import { structureVector } from "../../src/search/structure.js";
import {
  codeParts,
  proseWords,
  searchTerms,
  splitIdentifier,
  stem,
} from "../../src/search/text-features.js";
import { MAX_SNIPPET_CODE_CHARS } from "../../src/snippets/snippet-schemas.js";
import { CORPUS } from "./corpus.js";

/** An ordinary snippet (the labelled corpus's binary search): the baseline hostile text is
 * measured against. */
export const ORDINARY_CODE = (() => {
  const code = CORPUS.find((c) => c.key === "binary")?.code;
  if (!code) throw new Error("the corpus has no binary-search snippet");
  return code;
})();

/** Every step of the search path that reads a snippet's code, with the largest title and a
 * hostile description beside it (text-hostile.test.ts checks their growth, `npm run
 * bench:hostile` prints their cost). */
export function searchCodeSteps(): Record<string, (code: string) => unknown> {
  const offline = new OfflineEmbedder();
  const title = "T".repeat(255);
  const description = `${"d\\".repeat(4_999)}"`;
  return {
    codeParts: (c) => codeParts(c),
    searchTerms: (c) => searchTerms({ title, description, code: c }),
    lexicalTerms: (c) => lexicalTerms({ title, description, code: c }),
    structureVector: (c) => structureVector(c),
    modelDocumentText: (c) =>
      modelDocumentText({ title, description, code: c, language: "python" }),
    "offline documentVector": (c) =>
      offline.documentVector({ title, description, code: c, language: "python" }),
    // A new text each call (past the part that is read), so its small cache cannot answer.
    codeIdioms: (c) => codeIdioms(`${c}\n# ${Math.random()}`),
    splitIdentifier: (c) => splitIdentifier(c),
    proseWords: (c) => proseWords(c),
    stem: (c) => stem(c),
  };
}

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
