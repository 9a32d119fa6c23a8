// A query word that is a name (a library, format or tool: not English, not the algorithm
// lexicon's, not the exercise vocabulary's) and that none of the user's snippets has is an
// unmet constraint (named-terms.ts); a paraphrase's plain words, a typo and an abbreviation
// the lexicon knows are not.
import { describe, expect, it } from "vitest";
import { loadSnippets } from "../../../bench/datasets/search/dataset.js";
import {
  LexicalIndex,
  lexicalTerms,
  parseLexicalTerms,
  queryStems,
  queryStemsFor,
} from "../../src/search/lexical.js";
import { isKnownWord, unmetNames } from "../../src/search/named-terms.js";
import { correctSpelling } from "../../src/search/spelling.js";

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

  it("counts a name written as code as met where the code has it: CamelCase, dunder, builtins", () => {
    const index = corpus(
      "from collections import OrderedDict\n\nclass LRUCache:\n    def __init__(self, n):\n        self.d = OrderedDict()\n        self.best = float('inf')\n\ndef min_meeting_rooms(xs):\n    return min(len(x) for x in xs)\n",
    );
    for (const q of [
      "OrderedDict",
      "LRUCache",
      "an LRUCache class",
      "__init__",
      "min_meeting_rooms",
      "inf",
      "len",
    ])
      expect(unmetNames(q, index), q).toEqual([]);
    // The same words lower-cased into one are still names nobody wrote.
    expect(unmetNames("lrucachex", index)).toEqual(["lrucachex"]);
  });

  it("never calls a word of a snippet's own code a missing name when that snippet is there", () => {
    // Every name in every dev snippet of the labelled search set, asked alone and in a
    // sentence, against an index holding only that snippet. String literals are not read.
    const missed: string[] = [];
    let asked = 0;
    for (const s of loadSnippets("dev")) {
      const index = corpus(s.code);
      const code = s.code.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""');
      for (const name of new Set(code.match(/[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]\w*)*/g))) {
        asked++;
        for (const q of [name, `code that uses ${name}`])
          if (unmetNames(q, index).length > 0) missed.push(`${s.id}: ${q}`);
      }
    }
    expect(asked).toBeGreaterThan(1000);
    expect(missed).toEqual([]);
  });
});

describe("a query's stems against the user's index", () => {
  it("splits a CamelCase word as code names are split, unless the index holds it whole", () => {
    const split = corpus("class ListNode:\n    pass\n");
    expect(queryStemsFor("ListNode", split)).toEqual(queryStems("list node"));
    // A one-letter piece is dropped from a code name ("maxN" → max), and from the query's.
    const short = corpus("def play(maxN=20):\n    return maxN\n");
    expect(queryStemsFor("maxN", short)).toEqual(queryStems("max"));
    expect(unmetNames("maxN", short)).toEqual([]);
    const whole = new LexicalIndex();
    whole.set(
      0,
      parseLexicalTerms(lexicalTerms({ title: "ListNode", description: null, code: "" })),
    );
    expect(queryStemsFor("ListNode", whole)).toEqual(queryStems("ListNode"));
    expect(queryStemsFor("bisect_left in a list", split)).toEqual(
      queryStems("bisect_left in a list"),
    );
  });

  it("leaves a name written as code whole when correcting spelling", () => {
    // The user's own name, typo and all, is what their code holds: "palindromCheck" is not
    // turned into "palindromeCheck" (piecewise correction did), while a prose typo still is.
    expect(correctSpelling("palindromCheck setTimeout knapsak")).toBe(
      "palindromCheck setTimeout knapsack",
    );
  });
});
