import { describe, expect, it } from "vitest";
import type { ExecutionResponse } from "../src/api/types";
import {
  appendChunk,
  appendFigure,
  appendInput,
  figureFileName,
  formatDuration,
  reconcile,
  type Segment,
  statusOf,
  streamText,
} from "../src/run/output";

const result = (over: Partial<ExecutionResponse> = {}): ExecutionResponse => ({
  success: true,
  stdout: "",
  stderr: "",
  error: null,
  error_type: null,
  execution_time_ms: 12,
  timed_out: false,
  security_violations: [],
  truncated: false,
  ...over,
});

describe("output stream assembly", () => {
  it("merges adjacent chunks of the same stream and keeps interleaving order", () => {
    let segs: Segment[] = [];
    segs = appendChunk(segs, "stdout", "a\n");
    segs = appendChunk(segs, "stdout", "b\n");
    segs = appendChunk(segs, "stderr", "oops\n");
    segs = appendChunk(segs, "stdout", "c\n");
    expect(segs).toEqual([
      { stream: "stdout", text: "a\nb\n" },
      { stream: "stderr", text: "oops\n" },
      { stream: "stdout", text: "c\n" },
    ]);
    expect(streamText(segs, "stdout")).toBe("a\nb\nc\n");
    expect(streamText(segs, "stderr")).toBe("oops\n");
  });

  it("ignores empty chunks and never mutates its input", () => {
    const segs: Segment[] = [{ stream: "stdout", text: "x" }];
    const frozen = Object.freeze([...segs]);
    expect(appendChunk(frozen, "stderr", "")).toBe(frozen);
    const next = appendChunk(frozen, "stdout", "y");
    expect(next).toEqual([{ stream: "stdout", text: "xy" }]);
    expect(frozen).toEqual([{ stream: "stdout", text: "x" }]);
  });

  it("keeps the streamed view when it matches the final result", () => {
    const segs = appendChunk(appendChunk([], "stdout", "1\n"), "stderr", "w\n");
    expect(reconcile(segs, result({ stdout: "1\n", stderr: "w\n" }))).toBe(segs);
  });

  it("rebuilds from the result when chunks were missed (or the run went over HTTP)", () => {
    const segs = appendChunk([], "stdout", "1\n");
    expect(reconcile(segs, result({ stdout: "1\n2\n", stderr: "Traceback\n" }))).toEqual([
      { stream: "stdout", text: "1\n2\n" },
      { stream: "stderr", text: "Traceback\n" },
    ]);
    expect(reconcile([], result())).toEqual([]);
  });

  it("keeps figures where they streamed, and adds the result's figures after the text over HTTP", () => {
    const fig = { mime_type: "image/png" as const, data: "AAAA" };
    const live = appendChunk(appendFigure(appendChunk([], "stdout", "a\n"), fig), "stdout", "b\n");
    expect(reconcile(live, result({ stdout: "a\nb\n", figures: [fig] }))).toBe(live);
    expect(
      reconcile(appendChunk([], "stdout", "a\nb\n"), result({ stdout: "a\nb\n", figures: [fig] })),
    ).toEqual([
      { stream: "stdout", text: "a\nb\n" },
      { stream: "figure", figure: fig },
    ]);
    // Typed input is shown but is not program output: it never forces a rebuild.
    const typed = appendChunk(
      appendInput(appendChunk([], "stdout", "? "), "x\n"),
      "stdout",
      "ok\n",
    );
    expect(reconcile(typed, result({ stdout: "? ok\n" }))).toBe(typed);
    expect(figureFileName(fig, 0)).toBe("figure-1.png");
    expect(figureFileName({ ...fig, mime_type: "image/svg+xml" }, 2)).toBe("figure-3.svg");
  });

  it("derives the status badge", () => {
    expect(statusOf(result({ success: false, error_type: "Cancelled" }))).toBe("cancelled");
    expect(statusOf(result())).toBe("success");
    expect(statusOf(result({ success: false, error_type: "ZeroDivisionError" }))).toBe("error");
    expect(statusOf(result({ success: false, timed_out: true }))).toBe("timed_out");
    expect(
      statusOf(
        result({
          success: false,
          security_violations: [{ type: "import", line: 1, column: 0, message: "no" }],
        }),
      ),
    ).toBe("refused");
  });

  it("formats durations", () => {
    expect(formatDuration(12.4)).toBe("12 ms");
    expect(formatDuration(0)).toBe("< 1 ms");
    expect(formatDuration(1534)).toBe("1.53 s");
    expect(formatDuration(15_000)).toBe("15.0 s");
  });
});
