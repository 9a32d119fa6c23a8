// A query word that is a name (a library, format or tool: not English, not the algorithm
// lexicon's, not the exercise vocabulary's) and that none of the user's snippets has is an
// unmet constraint (named-terms.ts); a paraphrase's plain words, a typo and an abbreviation
// the lexicon knows are not.
import { describe, expect, it } from "vitest";
import { LexicalIndex, lexicalTerms, parseLexicalTerms } from "../../src/search/lexical.js";
import { isKnownWord, unmetNames } from "../../src/search/named-terms.js";

function corpus(...codes: string[]): LexicalIndex {
  const index = new LexicalIndex();
  codes.forEach((code, i) => {
    index.set(i, parseLexicalTerms(lexicalTerms({ title: null, description: null, code })));
  });
  return index;
}

const MATRIX =
  "def multiply(a, b):\n    return [[sum(x * y for x, y in zip(r, c)) for c in zip(*b)] for r in a]\n";
const QUEUE = "from collections import deque\n\nq = deque()\nq.append(1)\nq.popleft()\n";

describe("names in a query that the user's code does not have", () => {
  it("finds a library, a format and a broker nobody imported", () => {
    const index = corpus(MATRIX, QUEUE);
    expect(unmetNames("invert a matrix with numpy", index)).toEqual(["numpy"]);
    expect(unmetNames("publish messages to a rabbitmq queue", index)).toEqual(["rabbitmq"]);
    expect(unmetNames("parse an xml file with elementtree", index)).toEqual(["xml", "elementtree"]);
    expect(unmetNames("plot a graph of a function with matplotlib", index)).toEqual(["matplotlib"]);
    expect(unmetNames("parse an xml file with elementtree", index, 1)).toEqual(["xml"]);
  });

  it("reads a bounded number of words of a hostile query", () => {
    const index = corpus(MATRIX);
    const words = Array.from({ length: 200 }, (_, i) => `zq${"x".repeat(i % 30)}${i}`);
    expect(unmetNames(words.join(" "), index).length).toBeLessThanOrEqual(32);
  });

  it("counts a name as met when any snippet has it, exactly or within typo distance", () => {
    const index = corpus(MATRIX, "import numpy as np\n\nx = np.linalg.inv(np.eye(3))\n");
    expect(unmetNames("invert a matrix with numpy", index)).toEqual([]);
    expect(unmetNames("invert a matrix with numpyy", index)).toEqual([]);
  });

  it("does not count English words, typos of them, or the algorithm lexicon as names", () => {
    const index = corpus(MATRIX, QUEUE);
    expect(unmetNames("move a pile of disks between three pegs", index)).toEqual([]);
    expect(unmetNames("does february have 29 days this year", index)).toEqual([]);
    expect(unmetNames("knapsack problm", index)).toEqual([]);
    expect(unmetNames("bfs dfs dp levenshtein", index)).toEqual([]);
    expect(isKnownWord("problm")).toBe(true);
    expect(isKnownWord("bcrypt")).toBe(false);
    // Under six letters a one-edit neighbour in a 274,000-word list is too easy to find.
    expect(isKnownWord("numpy")).toBe(false);
  });
});
