// Every function that reads user text on the search path, fed inputs built to make it slow
// up to the largest size the API accepts (issue 10: one such snippet used to hold the event
// loop 13–18 s through a backtracking regular expression). Each step's work must grow
// linearly with its input: doubling the input at most triples its CPU cost, measured in the
// same run (quadratic work reads 4x, backtracking far more). The absolute cost per step at
// the largest size, against the 100 ms the loop may be held, is printed by
// `npm run bench:hostile`.
import { describe, expect, it } from "vitest";
import { LexicalIndex, queryStems } from "../../src/search/lexical.js";
import { OfflineEmbedder } from "../../src/search/offline-embedder.js";
import { parseQueryRules } from "../../src/search/query-rules.js";
import { FEATURE_CODE_CHARS } from "../../src/search/text-features.js";
import { MAX_SNIPPET_CODE_CHARS } from "../../src/snippets/snippet-schemas.js";
import { doublingRatio, MAX_DOUBLING_RATIO } from "../helpers/growth.js";
import { hostileCode, hostileQueries, searchCodeSteps } from "./hostile-inputs.js";

const offline = new OfflineEmbedder();
const codeFunctions = searchCodeSteps();

describe("search text processing on hostile input", () => {
  for (const name of Object.keys(hostileCode(1000))) {
    const make = (size: number) => hostileCode(size)[name] as string;
    it(`reads code made of ${name}: each step grows linearly up to ${MAX_SNIPPET_CODE_CHARS} chars`, () => {
      // Doubled up to the largest snippet, and up to the part most steps read (the rest is
      // cut off, so past it their cost stops growing and a ratio there would show nothing).
      const steep = Object.entries(codeFunctions)
        .flatMap(([fn, f]) =>
          [FEATURE_CODE_CHARS, MAX_SNIPPET_CODE_CHARS].map(
            (size) => [`${fn} at ${size}`, doublingRatio(make, size, f, 5)] as const,
          ),
        )
        .filter(([, ratio]) => ratio >= MAX_DOUBLING_RATIO);
      expect(steep, "steps whose cost more than tripled when the code doubled").toEqual([]);
    });
  }

  // A user with a large vocabulary: fuzzy matching scans it once per unknown query word.
  const index = new LexicalIndex();
  for (let i = 0; i < 5_000; i++) {
    index.set(i, new Map([[`w${i.toString(36)}qrstuvwxyzabcdefgh`.slice(0, 40), 1]]));
  }
  for (const name of Object.keys(hostileQueries(100))) {
    const make = (size: number) => hostileQueries(size)[name] as string;
    it(`understands a query of ${name}: cost grows linearly up to 500 chars`, () => {
      const ratio = doublingRatio(make, 500, (q) => {
        parseQueryRules(q);
        index.understand(queryStems(q));
        return offline.embedQuery(q);
      });
      expect(ratio, "cost, 2n over n").toBeLessThan(MAX_DOUBLING_RATIO);
    });
  }
});
