// The Gemini adapter with the real SDK against the local protocol fixture.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildAnalysisPrompt } from "../../src/analysis/analysis-prompt.js";
import {
  createGeminiProvider,
  type GeminiProviderOptions,
} from "../../src/analysis/gemini-provider.js";
import { defaultAnswer, type GeminiFixture, startGeminiServer } from "../fixtures/gemini-server.js";

let gemini: GeminiFixture;
const delays: number[] = [];

beforeAll(async () => {
  gemini = await startGeminiServer();
});
afterAll(() => gemini.close());
beforeEach(() => {
  gemini.reset();
  delays.length = 0;
});

function provider(extra: Partial<GeminiProviderOptions> = {}) {
  return createGeminiProvider({
    apiKey: gemini.apiKey,
    baseUrl: gemini.url,
    timeoutMs: 2_000,
    sleep: async (ms) => void delays.push(ms),
    ...extra,
  });
}

const CODE = "def f(xs):\n    return sum(xs)\n";

describe("Gemini provider", () => {
  it("analyses with one generateContent call and the default model", async () => {
    gemini.enqueue({ kind: "text", text: defaultAnswer("O(n^2)", "O(n)") });
    const p = provider();
    expect(p.name).toBe("gemini");
    expect(p.model).toBe("gemini-2.5-flash");
    const r = await p.analyze(CODE);
    expect(r).toMatchObject({
      success: true,
      time_complexity: "O(n^2)",
      space_complexity: "O(n)",
      error: null,
      available: true,
      model: "gemini-2.5-flash",
    });
    expect(r.narrative).toContain("## Time Complexity");
    expect(r.narrative).not.toContain("```json");
    expect(gemini.requests).toHaveLength(1);
    const req = gemini.requests[0];
    expect(req?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    const body = req?.body as { contents: { parts: { text: string }[] }[] };
    const prompt = body.contents[0]?.parts[0]?.text;
    expect(prompt).toBe(buildAnalysisPrompt(CODE));
  });

  it("uses the configured model", async () => {
    const r = await provider({ model: "gemini-2.5-pro" }).analyze(CODE);
    expect(r.model).toBe("gemini-2.5-pro");
    expect(gemini.requests[0]?.model).toBe("gemini-2.5-pro");
  });

  it("streams chunks in order and parses the joined answer", async () => {
    const answer = defaultAnswer("O(n log n)", "O(n)");
    const chunks = [answer.slice(0, 40), answer.slice(40, 120), answer.slice(120)];
    gemini.enqueue({ kind: "stream", chunks, delayMs: 10 });
    const seen: string[] = [];
    const r = await provider().analyzeStream(CODE, (c) => seen.push(c));
    expect(seen).toEqual(chunks);
    expect(r).toMatchObject({
      success: true,
      time_complexity: "O(n log n)",
      space_complexity: "O(n)",
    });
    expect(gemini.requests[0]?.action).toBe("streamGenerateContent");
  });

  it("retries a 429 with exponential backoff, then succeeds", async () => {
    gemini.enqueue(
      { kind: "status", status: 429 },
      { kind: "status", status: 503 },
      { kind: "text", text: defaultAnswer() },
    );
    const r = await provider({ retryBaseDelayMs: 100 }).analyze(CODE);
    expect(r.success).toBe(true);
    expect(gemini.requests).toHaveLength(3);
    expect(delays).toEqual([100, 200]);
  });

  it("retries a stream that fails before its first chunk", async () => {
    gemini.enqueue({ kind: "status", status: 500 }, { kind: "stream", chunks: [defaultAnswer()] });
    const seen: string[] = [];
    const r = await provider().analyzeStream(CODE, (c) => seen.push(c));
    expect(r.success).toBe(true);
    expect(seen).toEqual([defaultAnswer()]);
  });

  it("gives up after three retries with a clear error", async () => {
    for (let i = 0; i < 4; i++) gemini.enqueue({ kind: "status", status: 429 });
    const r = await provider().analyze(CODE);
    expect(r).toMatchObject({ success: false, available: true, time_complexity: null });
    expect(r.error).toMatch(/rate limit/i);
    expect(gemini.requests).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it("does not retry a client error", async () => {
    gemini.enqueue({ kind: "status", status: 400, message: "bad request" });
    const r = await provider().analyze(CODE);
    expect(r.error).toMatch(/HTTP 400/);
    expect(gemini.requests).toHaveLength(1);
  });

  it("reports a server error after retries", async () => {
    for (let i = 0; i < 4; i++) gemini.enqueue({ kind: "status", status: 500 });
    const r = await provider().analyze(CODE);
    expect(r.error).toMatch(/unavailable \(HTTP 500\)/);
  });

  it("times out a hung request", async () => {
    gemini.enqueue({ kind: "hang" });
    const r = await provider({ timeoutMs: 150 }).analyze(CODE);
    // Only the attempt's own timer produces this text; one request shows a timeout is not
    // retried. A timer that ignored timeoutMs (the 60 s default) fails on the test timeout.
    expect(r).toMatchObject({ success: false, error: "Gemini did not answer within 150 ms" });
    expect(gemini.requests).toHaveLength(1);
  });

  it("times out a stream that stalls", async () => {
    gemini.enqueue({ kind: "stream", chunks: ["## Algorithm\n", "late"], delayMs: 1_000 });
    const r = await provider({ timeoutMs: 200 }).analyzeStream(CODE, () => {});
    expect(r.success).toBe(false);
    expect(r.error).toMatch(/did not answer/);
  });

  it("honours the caller's abort signal", async () => {
    gemini.enqueue({ kind: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const r = await provider().analyze(CODE, { signal: controller.signal });
    expect(r.success).toBe(false);
    expect(r.error).toBe("Analysis cancelled");
  });

  it("turns a malformed JSON block into success:false with the narrative kept", async () => {
    gemini.enqueue({
      kind: "text",
      text: '## Algorithm\nSomething.\n```json\n{"time_complexity": \n```',
    });
    const r = await provider().analyze(CODE);
    expect(r).toMatchObject({ success: false, time_complexity: null, available: true });
    expect(r.error).toMatch(/time_complexity/);
    expect(r.narrative).toContain("## Algorithm");
  });

  it("turns an empty answer into success:false", async () => {
    gemini.enqueue({ kind: "empty" });
    const r = await provider().analyze(CODE);
    expect(r).toMatchObject({ success: false, error: "The model returned an empty answer" });
    gemini.enqueue({ kind: "blocked" });
    expect((await provider().analyze(CODE)).error).toMatch(/empty/);
    gemini.enqueue({ kind: "empty" });
    expect((await provider().analyzeStream(CODE, () => {})).success).toBe(false);
  });

  it("turns a non-JSON HTTP body into success:false", async () => {
    gemini.enqueue({ kind: "raw", body: "<html>oops</html>", contentType: "text/html" });
    const r = await provider().analyze(CODE);
    expect(r.success).toBe(false);
    expect(r.error).toBe("Gemini request failed");
  });

  it("reports a wrong key as a rejected request", async () => {
    const r = await provider({ apiKey: "wrong" }).analyze(CODE);
    expect(r.error).toMatch(/rejected/);
  });

  it("waits for real when no sleep is injected", async () => {
    gemini.enqueue({ kind: "status", status: 503 }, { kind: "text", text: defaultAnswer() });
    const p = createGeminiProvider({
      apiKey: gemini.apiKey,
      baseUrl: gemini.url,
      retryBaseDelayMs: 5,
    });
    expect((await p.analyze(CODE)).success).toBe(true);
  });
});

describe("analysis prompt", () => {
  it("asks for the four sections and the JSON block, fencing the code safely", () => {
    const prompt = buildAnalysisPrompt("s = '```'\n");
    for (const heading of [
      "## Algorithm",
      "## Time Complexity",
      "## Space Complexity",
      "## Suggestions",
    ]) {
      expect(prompt).toContain(heading);
    }
    expect(prompt).toContain('"time_complexity"');
    expect(prompt).toContain("````python\ns = '```'\n\n````");
  });
});
