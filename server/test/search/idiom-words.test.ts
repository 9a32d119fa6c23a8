// The words a snippet has only through its idioms (idioms.ts) — "number guessing game" for an
// untitled loop around randint and input — rank it among the answers of a query, but do not
// make the query answer (lexical.ts marks them, hybrid.ts decides without them). The model
// reads them as well (document-text.ts): the meaning score counts them like any other.
import { describe, expect, it } from "vitest";
import type { UserCorpus } from "../../src/search/corpus-cache.js";
import { hybridRank } from "../../src/search/hybrid.js";
import { codeIdioms } from "../../src/search/idioms.js";
import {
  IDIOMS_ONLY,
  LexicalIndex,
  lexicalTerms,
  parseLexicalDocument,
} from "../../src/search/lexical.js";
import { modelDocumentText } from "../../src/search/model/document-text.js";

const GAME =
  "import random\n\nn = random.randint(1, 10)\nwhile True:\n    x = int(input('? '))\n    if x == n:\n        print('yes')\n        break\n";
const DOUBLE = "x = int(input('? '))\nprint(x * 2)\n";
const CALIBRATION = { unrelated: 0.2, same: 0.6 };

function corpus(codes: Record<string, string>): UserCorpus {
  const lexical = new LexicalIndex();
  const ids = Object.keys(codes);
  ids.forEach((id, pos) => {
    const d = parseLexicalDocument(
      lexicalTerms({ title: null, description: null, code: codes[id] as string }),
    );
    lexical.set(pos, d.weights, d.idiomsOnly);
  });
  return {
    ids,
    position: new Map(ids.map((id, pos) => [id, pos])),
    lexical,
    structure: [],
    count: ids.length,
    version: 0,
  };
}

const search = (c: UserCorpus, text: string, cosines: Record<string, number>) =>
  hybridRank({
    corpus: c,
    text,
    allowed: undefined,
    vectors: Object.entries(cosines).map(([id, cosine]) => ({ id, cosine })),
    cosines: async () => new Map(),
    calibration: CALIBRATION,
  });

describe("words from idioms", () => {
  it("are stored marked when the code's own words lack them", () => {
    expect(codeIdioms(GAME)).toContain("number guessing game random");
    const stored = lexicalTerms({ title: null, description: null, code: GAME });
    expect(stored).toContain(`gam:${IDIOMS_ONLY}`);
    expect(stored).toMatch(/(^| )random:0/); // the code's own word, unmarked
    const titled = lexicalTerms({ title: "guessing game", description: null, code: GAME });
    expect(titled).toMatch(/(^| )gam:1( |$)/);
    const d = parseLexicalDocument(stored);
    expect(d.idiomsOnly.has("gam")).toBe(true);
    expect(d.weights.get("gam")).toBeGreaterThan(0);
  });

  it("do not make a query answer that only they match", async () => {
    const c = corpus({ game: GAME, double: DOUBLE });
    // Loose meaning for both (cosine 0.25): words the user wrote would carry the game over
    // the answer score, the idiom's "game" does not.
    expect(await search(c, "game", { game: 0.25, double: 0.25 })).toEqual([]);
    const ownTitle = corpus({ game: GAME, double: DOUBLE });
    const titled = parseLexicalDocument(
      lexicalTerms({ title: "game", description: null, code: GAME }),
    );
    ownTitle.lexical.set(0, titled.weights, titled.idiomsOnly);
    expect((await search(ownTitle, "game", { game: 0.25, double: 0.25 }))[0]?.id).toBe("game");
  });

  it("still rank the snippet among the answers of a query that answers", async () => {
    const c = corpus({ double: DOUBLE, game: GAME });
    // The same meaning score for both: the idiom's words put the game first.
    const got = await search(c, "game", { game: 0.45, double: 0.45 });
    expect(got.map((g) => g.id)).toEqual(["game", "double"]);
    expect(got[0]?.score).toBeGreaterThan(got[1]?.score as number);
  });

  it("weigh nothing in the query's words when the answer is decided", () => {
    const c = corpus({ game: GAME, double: DOUBLE });
    expect(c.lexical.understand(["gam"])[0]?.matches).toHaveLength(1);
    expect(c.lexical.understand(["gam"], true)[0]?.matches).toHaveLength(0);
    // A typo one edit from an idiom's word ("guessing" → guess) matches it for ranking only.
    expect(c.lexical.understand(["guesz"])[0]?.matches.map((m) => m.stem)).toEqual(["guess"]);
    expect(c.lexical.understand(["guesz"], true)[0]?.matches).toEqual([]);
  });

  it("of an algorithm answer like its name: an untitled breadth-first search answers bfs", async () => {
    const bfs =
      "from collections import deque\n\ndef go(g, s):\n    seen = {s}\n    q = deque([s])\n    while q:\n        v = q.popleft()\n        for w in g[v]:\n            if w not in seen:\n                seen.add(w)\n                q.append(w)\n    return seen\n";
    expect(codeIdioms(bfs).join(" | ")).toContain("breadth first search");
    const stored = lexicalTerms({ title: null, description: null, code: bfs });
    expect(stored).toMatch(/(^| )breadth:0/); // unmarked: the algorithm's shape is its name
    const c = corpus({ bfs, game: GAME });
    // Meaning alone would not answer (cosine 0.25); the idiom's word does, as "bfs" typed.
    const got = await search(c, "bfs", { bfs: 0.25, game: 0.25 });
    expect(got[0]?.id).toBe("bfs");
    // The everyday idiom beside it still does not answer on its own.
    expect(await search(c, "game", { bfs: 0.25, game: 0.25 })).toEqual([]);
  });

  it("of the everyday exercises are read by the embedding model too", () => {
    const text = modelDocumentText({
      title: null,
      description: null,
      code: GAME,
      language: "python",
    });
    expect(text).toContain("number guessing game");
  });
});
