import { describe, expect, it, vi } from "vitest";
import {
  type AnalysisStreamEvent,
  createAnalyzerService,
} from "../../src/analysis/analyzer-service.js";
import type { AnalysisResult, LlmProvider } from "../../src/analysis/llm-provider.js";
import {
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
} from "../../src/platform/errors.js";

const OK: AnalysisResult = {
  success: true,
  time_complexity: "O(n)",
  space_complexity: "O(1)",
  narrative: "## Algorithm\n\nscan\n",
  error: null,
  available: true,
  model: null,
};

/** A provider fake: streams the given pieces, then returns `result`. */
function fakeProvider(
  result: AnalysisResult = OK,
  pieces = ["## Algorithm\n", "\nscan\n"],
): LlmProvider {
  return {
    name: "static",
    model: null,
    analyze: vi.fn(async () => result),
    analyzeStream: vi.fn(async (_code: string, onChunk: (c: string) => void) => {
      for (const p of pieces) onChunk(p);
      return result;
    }),
  };
}

function service(overrides: Partial<Parameters<typeof createAnalyzerService>[0]> = {}) {
  return createAnalyzerService({
    provider: fakeProvider(),
    rateLimitPerMinute: 1_000,
    maxCodeBytes: 1_000,
    ...overrides,
  });
}

describe("analyzer service", () => {
  it("reports its provider", () => {
    expect(service().status()).toEqual({ available: true, provider: "static" });
    expect(service({ provider: null }).status()).toEqual({ available: false, provider: null });
  });

  it("analyses and stores the values on the named snippet", async () => {
    const writer = vi.fn(async () => {});
    const svc = service({ snippetComplexityWriter: writer });
    expect(await svc.analyze("u1", "x = 1", "s1")).toEqual(OK);
    expect(writer).toHaveBeenCalledWith("u1", "s1", "O(n)", "O(1)", null);
    await svc.analyze("u1", "x = 1");
    expect(writer).toHaveBeenCalledTimes(1);
  });

  it("does not store a failed analysis", async () => {
    const writer = vi.fn(async () => {});
    const failed = {
      ...OK,
      success: false,
      time_complexity: null,
      space_complexity: null,
      error: "bad",
    };
    const svc = service({ provider: fakeProvider(failed), snippetComplexityWriter: writer });
    expect((await svc.analyze("u1", "x = 1", "s1")).success).toBe(false);
    expect(writer).not.toHaveBeenCalled();
  });

  it("lets an ownership error from the writer reach the caller", async () => {
    const svc = service({
      snippetComplexityWriter: async () => {
        throw new NotFoundError("Snippet not found");
      },
    });
    await expect(svc.analyze("u2", "x = 1", "theirs")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("answers unavailable without a provider", async () => {
    const r = await service({ provider: null }).analyze("u1", "x = 1");
    expect(r).toMatchObject({ success: false, available: false });
  });

  it("rejects code over the size limit, counting bytes not characters", async () => {
    const svc = service({ maxCodeBytes: 10 });
    await expect(svc.analyze("u1", "x".repeat(11))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(svc.analyze("u1", "é".repeat(6))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(svc.analyzeStream("u1", "x".repeat(11), null, () => {})).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect((await svc.analyze("u1", "x".repeat(10))).success).toBe(true);
  });

  it("limits each user per minute, sync and streamed together", async () => {
    let now = 1_000_000;
    const svc = service({ rateLimitPerMinute: 2, now: () => now });
    await svc.analyze("u1", "x = 1");
    await svc.analyzeStream("u1", "x = 1", null, () => {});
    const err = await svc.analyze("u1", "x = 1").catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(60);
    await expect(svc.analyzeStream("u1", "x", null, () => {})).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect((await svc.analyze("u2", "x = 1")).success).toBe(true); // other users unaffected
    now += 30_000;
    expect(
      ((await svc.analyze("u1", "x").catch((e) => e)) as RateLimitedError).retryAfterSeconds,
    ).toBe(30);
    now += 30_001;
    expect((await svc.analyze("u1", "x = 1")).success).toBe(true);
  });

  it("does not count oversized requests against the rate limit", async () => {
    const svc = service({ rateLimitPerMinute: 1, maxCodeBytes: 5 });
    await expect(svc.analyze("u1", "toolong")).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect((await svc.analyze("u1", "ok")).success).toBe(true);
  });

  it("streams start, chunks, complete — in order, after returning the job id", async () => {
    const events: AnalysisStreamEvent[] = [];
    const writer = vi.fn(async () => {
      events.push({ type: "analysis_stream_chunk", job_id: "written", chunk: "" });
    });
    const svc = service({ newJobId: () => "job-1", snippetComplexityWriter: writer });
    const handle = await svc.analyzeStream("u1", "x = 1", "s1", (e) => events.push(e));
    expect(handle.job_id).toBe("job-1");
    expect(events).toEqual([]); // nothing before the caller could answer
    expect(await handle.done).toEqual(OK);
    expect(events.map((e) => e.type)).toEqual([
      "analysis_stream_start",
      "analysis_stream_chunk",
      "analysis_stream_chunk",
      "analysis_stream_chunk", // the writer's marker: stored before completion is announced
      "analysis_stream_complete",
    ]);
    expect(events[1]).toEqual({
      type: "analysis_stream_chunk",
      job_id: "job-1",
      chunk: "## Algorithm\n",
    });
    expect(events.at(-1)).toEqual({
      type: "analysis_stream_complete",
      job_id: "job-1",
      result: OK,
    });
    expect(writer).toHaveBeenCalledWith("u1", "s1", "O(n)", "O(1)", null);
  });

  it("streams an error event for an unusable answer", async () => {
    const failed = {
      ...OK,
      success: false,
      time_complexity: null,
      error: "The model returned an empty answer",
    };
    const events: AnalysisStreamEvent[] = [];
    const svc = service({ provider: fakeProvider(failed, []) });
    const handle = await svc.analyzeStream("u1", "x", null, (e) => events.push(e));
    await handle.done;
    expect(events.map((e) => e.type)).toEqual(["analysis_stream_start", "analysis_stream_error"]);
    expect(events[1]).toMatchObject({ error: "The model returned an empty answer" });
  });

  it("streams an error event without a provider", async () => {
    const events: AnalysisStreamEvent[] = [];
    const handle = await service({ provider: null }).analyzeStream("u1", "x", null, (e) =>
      events.push(e),
    );
    expect((await handle.done).available).toBe(false);
    expect(events.map((e) => e.type)).toEqual(["analysis_stream_start", "analysis_stream_error"]);
  });

  it("contains a provider that throws, a writer that fails and a listener that throws", async () => {
    const background = vi.fn();
    const throwing = fakeProvider();
    throwing.analyzeStream = async () => {
      throw new Error("bug");
    };
    const events: AnalysisStreamEvent[] = [];
    const svc = service({ provider: throwing, onBackgroundError: background });
    const r = await (await svc.analyzeStream("u1", "x", null, (e) => events.push(e))).done;
    expect(r).toMatchObject({ success: false, error: "Analysis failed" });
    expect(events.at(-1)).toMatchObject({
      type: "analysis_stream_error",
      error: "Analysis failed",
    });

    const failingWriter = service({
      onBackgroundError: background,
      snippetComplexityWriter: async () => {
        throw new NotFoundError("gone");
      },
    });
    const seen: string[] = [];
    await (await failingWriter.analyzeStream("u1", "x", "s1", (e) => seen.push(e.type))).done;
    expect(seen.at(-1)).toBe("analysis_stream_complete");

    const deadSocket = service({ onBackgroundError: background });
    const done = (
      await deadSocket.analyzeStream("u1", "x", null, () => {
        throw new Error("socket closed");
      })
    ).done;
    expect((await done).success).toBe(true);
    expect(background).toHaveBeenCalledTimes(2 + 4); // bug, writer, then start + 2 chunks + complete
  });

  it("gives every stream its own job id by default", async () => {
    const svc = service();
    const a = await svc.analyzeStream("u1", "x", null, () => {});
    const b = await svc.analyzeStream("u1", "x", null, () => {});
    expect(a.job_id).not.toBe(b.job_id);
    expect(a.job_id).toMatch(/^[0-9a-f-]{36}$/);
    await Promise.all([a.done, b.done]);
  });
});
