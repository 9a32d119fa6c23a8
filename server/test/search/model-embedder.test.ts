// The embedded default embedder: a sentence-embedding model installed by `npm install`
// (scripts/fetch-model.mjs) and run in a worker thread; the offline embedder when it is
// absent, and a clear refusal when it was asked for explicitly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/platform/config.js";
import { cosine } from "../../src/search/embedder.js";
import { ModelEmbedder } from "../../src/search/model/model-embedder.js";
import { OfflineEmbedder } from "../../src/search/offline-embedder.js";
import { buildEmbedder } from "../../src/search/search-module.js";
import { defaultEmbedder } from "./harness.js";

const dijkstra = {
  title: "untitled",
  description: null,
  language: "python",
  code: "import heapq\n\ndef dijkstra(graph, src):\n    dist = {src: 0}\n    pq = [(0, src)]\n    while pq:\n        d, u = heapq.heappop(pq)\n        for v, w in graph[u]:\n            if d + w < dist.get(v, float('inf')):\n                dist[v] = d + w\n                heapq.heappush(pq, (d + w, v))\n    return dist\n",
};
const palindrome = {
  title: "test2",
  description: null,
  language: "python",
  code: "def check(s):\n    return s == s[::-1]\n",
};

describe("the sentence-embedding model", () => {
  const model = defaultEmbedder() as ModelEmbedder;
  const empty = mkdtempSync(join(tmpdir(), "no-model-"));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("is installed and is what the app uses by default", () => {
    expect(model).toBeInstanceOf(ModelEmbedder);
    const chosen = buildEmbedder(loadSettings({ ENVIRONMENT: "test" }), undefined);
    expect(chosen.model).toBe(model.model);
    expect(chosen.dimensions).toBe(384);
  });

  it("embeds to deterministic unit vectors of its size", async () => {
    const [a] = await model.embedDocuments([dijkstra]);
    const [b] = await model.embedDocuments([dijkstra]);
    expect(a).toHaveLength(384);
    expect(cosine(a as number[], a as number[])).toBeCloseTo(1, 4);
    expect(cosine(a as number[], b as number[])).toBeCloseTo(1, 5);
  });

  it("puts a paraphrase nearer the code it describes than other code", async () => {
    const [d, p] = await model.embedDocuments([dijkstra, palindrome]);
    const q = await model.embedQuery("quickest route between cities on a weighted map");
    expect(cosine(q, d as number[])).toBeGreaterThan(cosine(q, p as number[]) + 0.1);
  });

  it("answers many calls at once, each with its own vectors", async () => {
    const texts = ["sorting", "graph search", "prime numbers", "string reversal"];
    const together = await Promise.all(texts.map((t) => model.embedQuery(t)));
    const alone: number[][] = [];
    for (const t of texts) alone.push(await model.embedQuery(t));
    expect(together).toHaveLength(texts.length);
    together.forEach((v, i) => {
      expect(cosine(v, alone[i] as number[])).toBeCloseTo(1, 5);
      // Its own: no two of the answers are the same vector.
      for (const other of together.slice(i + 1)) expect(cosine(v, other)).toBeLessThan(0.99);
    });
  });

  it("falls back to the offline embedder when the model's files are absent", () => {
    expect(ModelEmbedder.load({ dir: empty })).toBeUndefined();
    const chosen = buildEmbedder(
      loadSettings({ ENVIRONMENT: "test", EMBEDDING_MODEL_DIR: empty }),
      undefined,
    );
    expect(chosen).toBeInstanceOf(OfflineEmbedder);
    expect(() =>
      buildEmbedder(
        loadSettings({ ENVIRONMENT: "test", EMBEDDER: "model", EMBEDDING_MODEL_DIR: empty }),
        undefined,
      ),
    ).toThrow(/not installed/);
  });

  it("refuses a model name that is not in the catalogue", () => {
    expect(() => ModelEmbedder.load({ name: "no-such-model" })).toThrow(/unknown/);
  });
});
