// Semantic query expansion (glossary-expansion.ts): a query that describes a glossary entry
// in other words gains the entry's name, through the real sentence-embedding model; a query
// that already names it, or describes nothing in the glossary, is left alone; the names it
// adds are ranked as words but never required of the user's code (named-terms.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cosine, type Embedder } from "../../src/search/embedder.js";
import { GLOSSARY } from "../../src/search/glossary.js";
import {
  createGlossaryExpander,
  lexiconOnly,
  namesOnly,
} from "../../src/search/glossary-expansion.js";
import { rulesUnderstander } from "../../src/search/query-rules.js";
import { createSearchService } from "../../src/search/search-service.js";
import { createHarness, defaultEmbedder, type Harness, snippetInput } from "./harness.js";

const model = defaultEmbedder();
const threshold = model.glossaryMinCosine as number;
const cosineOf = async (v: number[], text: string) => cosine(v, await model.embedQuery(text));

describe("the glossary", () => {
  it("describes each entry without its own name, and names no entry twice", () => {
    const names = GLOSSARY.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of GLOSSARY) {
      expect(e.says.length).toBeGreaterThan(0);
      for (const s of e.says) expect(s.toLowerCase()).not.toContain(e.name.toLowerCase());
    }
  });
});

describe("matching a query to a glossary entry", () => {
  const expander = createGlossaryExpander(model, threshold);
  const match = async (q: string) => expander.match(q, await model.embedQuery(q));

  it("has a measured threshold for the default model", () => {
    expect(threshold).toBeGreaterThan(0.3);
    expect(threshold).toBeLessThan(0.9);
  });

  it("finds the entry a paraphrase in other words describes", async () => {
    expect((await match("move all the disks to the last rod one at a time"))?.name).toBe(
      "tower of hanoi",
    );
    expect((await match("is this word the same backwards"))?.name).toBe("palindrome");
    expect((await match("count how often each word is used in a book"))?.name).toBe(
      "word count frequency",
    );
  });

  it("leaves a query that names the entry, or describes none, alone", async () => {
    expect(await match("tower of hanoi")).toBeUndefined();
    expect(await match("train a neural network with pytorch")).toBeUndefined();
    expect(await match("schedule a cron job on a linux server")).toBeUndefined();
  });

  it("never expands a query made only of names written as code", async () => {
    expect(namesOnly("OrderedDict")).toBe(true);
    expect(namesOnly("lru_cache")).toBe(true);
    expect(namesOnly("BoundedStore move_to_end")).toBe(true);
    expect(namesOnly("ordered dict")).toBe(false);
    expect(namesOnly("OrderedDict that forgets the oldest entry")).toBe(false);
    expect(namesOnly("")).toBe(false);
    // At 0.55 the model reads "OrderedDict" as ordering, 0.58 from the permutations'
    // descriptions: the name would be added and pull the sorts ahead of the code that has
    // the OrderedDict. A paraphrase is still expanded at the same threshold.
    const low = createGlossaryExpander(model, 0.55);
    const at55 = async (q: string) => low.match(q, await model.embedQuery(q));
    expect(await at55("OrderedDict")).toBeUndefined();
    expect((await at55("every possible ordering of a group of items"))?.name).toBe("permutations");
  });

  it("never expands a query made only of the algorithm lexicon's words", async () => {
    expect(lexiconOnly("graph")).toBe(true);
    expect(lexiconOnly("shortest path")).toBe(true);
    expect(lexiconOnly("bfs")).toBe(true);
    expect(lexiconOnly("draw a graph of monthly sales")).toBe(false);
    expect(lexiconOnly("")).toBe(false);
    // Read alone, "graph" is a chart to the model: it is close enough to the plotting
    // entry to gain "matplotlib plot chart", which put plots above every graph algorithm.
    const v = await model.embedQuery("graph");
    const entry = GLOSSARY.find((e) => e.name === "matplotlib plot chart");
    const nearest = Math.max(
      ...(await Promise.all((entry?.says ?? []).map(async (d) => cosineOf(v, d)))),
    );
    expect(nearest).toBeGreaterThanOrEqual(threshold);
    expect(await match("graph")).toBeUndefined();
    expect((await match("draw a bar chart of monthly sales"))?.name).toBe("matplotlib plot chart");
  });

  it("goes on unexpanded while the model fails, and recovers after", async () => {
    let fail = true;
    const flaky: Pick<Embedder, "embedQuery"> = {
      embedQuery: (text) =>
        fail ? Promise.reject(new Error("worker died")) : model.embedQuery(text),
    };
    const entries = [{ name: "tower of hanoi", says: ["move a stack of disks between pegs"] }];
    const e = createGlossaryExpander(flaky, threshold, entries);
    const q = "shift every disk from the first peg to the third";
    const v = await model.embedQuery(q);
    expect(await e.match(q, v)).toBeUndefined();
    fail = false;
    expect((await e.match(q, v))?.name).toBe("tower of hanoi");
  });
});

describe("search with the expansion (PGlite, the default model)", () => {
  let h: Harness;
  let user: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await createHarness("postgres:pglite");
    user = await h.newUser();
    const code = {
      hanoi:
        "def hanoi(n, a, b, c):\n    if n == 0:\n        return\n    hanoi(n - 1, a, c, b)\n    print(a, c)\n    hanoi(n - 1, c, b, a)\n\nhanoi(3, 'A', 'B', 'C')\n",
      bars: "def bar_chart(values):\n    for label, n in values.items():\n        print(label.ljust(5), '#' * n)\n\nbar_chart({'jan': 3, 'feb': 5})\n",
      sum: "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n",
      reverse: "def rev(s):\n    return s[::-1]\n",
    };
    for (const [key, c] of Object.entries(code)) {
      ids[key] = (await h.snippets.create(user, snippetInput("untitled", c))).id;
    }
    await h.sync.drain();
  }, 120_000);
  afterAll(async () => h?.close());

  const top = async (q: string, glossary?: null) => {
    const search = createSearchService({
      index: h.index,
      embedder: h.embedder,
      understander: rulesUnderstander,
      snippets: h.snippets,
      ...(glossary === null && { glossary }),
    });
    const r = await search.search(user, q, 5);
    return r.results.map((x) => x.snippetId);
  };

  it("finds untitled code from a description of its task", async () => {
    const q = "move all the disks to the last rod one at a time";
    expect((await top(q))[0]).toBe(ids.hanoi);
    // Without the glossary the model alone does not tie the words to the code.
    expect(await top(q, null)).not.toContain(ids.hanoi);
  });

  it("does not require of the user's code the names it adds", async () => {
    // "draw a bar chart" describes the glossary's matplotlib entry; this user never
    // imported matplotlib, and the query does not ask for it, so it is still answered
    // (were the added words read as the user's, "matplotlib" would empty the reply).
    const found = await top("draw a bar chart of monthly sales");
    expect(found[0]).toBe(ids.bars);
  });
});
