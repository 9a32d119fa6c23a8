// The offline embedder is deterministic and meaningful; the Gemini embedder sends what the
// API expects and normalises what it gets back.
import { describe, expect, it } from "vitest";
import { cosine, isZeroVector } from "../../src/search/embedder.js";
import { GeminiEmbedder } from "../../src/search/gemini-embedder.js";
import { OfflineEmbedder } from "../../src/search/offline-embedder.js";
import { codeParts, splitIdentifier, stem } from "../../src/search/text-features.js";

const bubble = {
  title: "Bubble sort",
  description: null,
  language: "python",
  code: "def bubble_sort(arr):\n    # swap neighbours until sorted\n    for i in range(len(arr)):\n        for j in range(len(arr) - 1):\n            if arr[j] > arr[j + 1]:\n                arr[j], arr[j + 1] = arr[j + 1], arr[j]\n",
};
const bfs = {
  title: null,
  description: "Breadth first traversal",
  language: "python",
  code: "def bfs(graph, start):\n    seen, queue = {start}, [start]\n    while queue:\n        node = queue.pop(0)\n        for nxt in graph[node]:\n            if nxt not in seen:\n                seen.add(nxt)\n                queue.append(nxt)\n",
};

describe("offline embedder", () => {
  const e = new OfflineEmbedder();

  it("is deterministic, 768-dimensional and unit length", async () => {
    const [a] = await e.embedDocuments([bubble]);
    const [b] = await new OfflineEmbedder().embedDocuments([bubble]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(768);
    expect(cosine(a as number[], a as number[])).toBeCloseTo(1, 6);
  });

  it("places queries near the family they name", async () => {
    const [vs, vg] = await e.embedDocuments([bubble, bfs]);
    const sortQ = await e.embedQuery("sorting");
    const graphQ = await e.embedQuery("graph search");
    expect(cosine(sortQ, vs as number[])).toBeGreaterThan(cosine(sortQ, vg as number[]));
    expect(cosine(graphQ, vg as number[])).toBeGreaterThan(cosine(graphQ, vs as number[]));
  });

  it("gives a zero vector for text without features", async () => {
    expect(isZeroVector(await e.embedQuery("!!! ??"))).toBe(true);
  });

  it("splits identifiers and stems words", () => {
    expect(splitIdentifier("binarySearch_v2")).toEqual(["binary", "search"]);
    expect(splitIdentifier("HTTPServer")).toEqual(["http", "server"]);
    expect(["sorting", "sorted", "sorts"].map(stem)).toEqual(["sort", "sort", "sort"]);
    const parts = codeParts(bubble.code);
    expect(parts.prose).toContain("swap");
    expect(parts.structure).toContain("nested-loops");
    expect(codeParts("def f(n):\n    return f(n - 1)\n").structure).toContain("recursion");
  });
});

describe("gemini embedder", () => {
  it("asks for 768-d retrieval embeddings and normalises them", async () => {
    const calls: unknown[] = [];
    const fake = {
      models: {
        embedContent: async (req: { contents: string[] }) => {
          calls.push(req);
          return { embeddings: req.contents.map(() => ({ values: new Array(768).fill(2) })) };
        },
      },
    };
    const g = new GeminiEmbedder(fake as never, "gemini-embedding-001");
    const [v] = await g.embedDocuments([bubble]);
    expect(cosine(v as number[], v as number[])).toBeCloseTo(1, 6);
    await g.embedQuery("sorting");
    expect(calls).toMatchObject([
      {
        model: "gemini-embedding-001",
        config: { taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 768 },
      },
      { config: { taskType: "RETRIEVAL_QUERY" }, contents: ["sorting"] },
    ]);
  });

  it("refuses a reply of the wrong shape", async () => {
    const fake = { models: { embedContent: async () => ({ embeddings: [{ values: [1, 2] }] }) } };
    await expect(new GeminiEmbedder(fake as never, "m").embedQuery("x")).rejects.toThrow(
      /dimensions/,
    );
  });
});
