// Gemini through the real @google/genai SDK against the local Gemini protocol server:
// embeddings (768-d, normalised, retrieval task types) and model-filled query understanding
// that is validated by the schema and falls back to the rules on anything odd.
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cosine } from "../../src/search/embedder.js";
import { GeminiEmbedder } from "../../src/search/gemini-embedder.js";
import { createGeminiUnderstander } from "../../src/search/gemini-query-understander.js";
import {
  fixtureEmbedding,
  type GeminiFixture,
  startGeminiServer,
} from "../fixtures/gemini-server.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("Gemini adapters", () => {
  let gemini: GeminiFixture;
  let client: GoogleGenAI;
  beforeAll(async () => {
    gemini = await startGeminiServer();
    client = new GoogleGenAI({ apiKey: gemini.apiKey, httpOptions: { baseUrl: gemini.url } });
  });
  afterAll(async () => gemini?.close());
  beforeEach(() => gemini.reset());

  it("embeds documents and queries as 768-d unit vectors", async () => {
    const e = new GeminiEmbedder(client, "gemini-embedding-001");
    const docs = await e.embedDocuments([
      { title: "Bubble sort", description: null, code: "def f(): pass", language: "python" },
      { title: null, description: null, code: "x = 1", language: "python" },
    ]);
    expect(docs).toHaveLength(2);
    for (const v of docs) {
      expect(v).toHaveLength(768);
      expect(cosine(v, v)).toBeCloseTo(1, 5);
    }
    const q = await e.embedQuery("sorting");
    expect(cosine(q, fixtureEmbedding("sorting"))).toBeCloseTo(1, 5);
    const bodies = JSON.stringify(gemini.requests.map((r) => r.body));
    expect(bodies).toContain("RETRIEVAL_DOCUMENT");
    expect(bodies).toContain("RETRIEVAL_QUERY");
    expect(bodies).toContain("768");
  });

  it("surfaces embedding API errors to the caller", async () => {
    gemini.enqueueEmbed({ kind: "status", status: 503 });
    const e = new GeminiEmbedder(client, "gemini-embedding-001");
    await expect(e.embedQuery("sorting")).rejects.toMatchObject({ name: "ApiError", status: 503 });
  });

  it("takes a valid model answer as the structured query", async () => {
    gemini.enqueue({
      kind: "text",
      text: JSON.stringify({ text: "sorting", time: { max: "O(n log n)" }, order: "fastest" }),
    });
    const u = createGeminiUnderstander({ client, model: "gemini-2.5-flash" });
    expect(await u.understand("quick ways to sort")).toEqual({
      by: "llm",
      query: { text: "sorting", time: { max: "O(n log n)" }, order: "fastest" },
    });
    const sent = JSON.stringify(gemini.requests[0]?.body);
    expect(sent).toContain("quick ways to sort");
    expect(sent).toContain("application/json");
  });

  it.each([
    ["an answer outside the schema", { kind: "text" as const, text: '{"order":"DROP TABLE"}' }],
    ["a query-language answer", { kind: "text" as const, text: "MATCH (n) DETACH DELETE n" }],
    ["an HTTP error", { kind: "status" as const, status: 500 }],
    ["a hang", { kind: "hang" as const }],
  ])("falls back to the rules on %s", async (_name, reply) => {
    gemini.enqueue(reply);
    const u = createGeminiUnderstander({ client, model: "gemini-2.5-flash", timeoutMs: 300 });
    expect(await u.understand("my O(n^2) python code")).toEqual({
      by: "rules",
      query: {
        text: "",
        time: { min: "O(n^2)", max: "O(n^2)" },
        language: "python",
        order: "relevance",
      },
    });
  });
});

describe("search with Gemini keyed, through the app", () => {
  let gemini: GeminiFixture;
  let t: TestApp;
  beforeAll(async () => {
    gemini = await startGeminiServer();
    t = await createTestApp("pglite", {
      GEMINI_API_KEY: gemini.apiKey,
      GEMINI_BASE_URL: gemini.url,
    });
  });
  afterAll(async () => {
    await t?.close();
    await gemini?.close();
  });

  it("embeds with Gemini, understands with the model and says so", async () => {
    expect(t.areas.search.embedder.model).toBe("gemini-embedding-001");
    const user = await t.signUp();
    const created = await t.app.inject({
      method: "POST",
      url: "/snippets",
      headers: user.headers,
      payload: { title: "Heap sort", code: "import heapq\n\ndef heap_sort(xs):\n    return xs\n" },
    });
    expect(created.statusCode).toBe(201);
    await t.areas.search.sync.drain();
    gemini.enqueue({ kind: "text", text: JSON.stringify({ text: "heap sort" }) });
    const res = await t.app.inject({
      method: "GET",
      url: "/search?q=something%20with%20heaps",
      headers: user.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      method: "semantic",
      method_detail: "llm+hybrid:postgres",
      results: [{ snippet_id: created.json().id, title: "Heap sort" }],
    });
  });
});
