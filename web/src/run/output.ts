// Assembles streamed execution output: chunks arrive in order per job, each tagged stdout or
// stderr; adjacent chunks of the same stream merge so the view renders few spans. The final
// result is authoritative: if what streamed differs from it (a dropped or late chunk, or
// the HTTP fallback), the view is rebuilt from the result.

import type { ExecutionResponse, Figure } from "../api/types";

export type StreamName = "stdout" | "stderr";

/** Program output, what the person typed into a waiting program, or a figure it showed. */
export type Segment =
  | { stream: StreamName | "stdin"; text: string }
  | { stream: "figure"; figure: Figure };

export function appendFigure(segments: readonly Segment[], figure: Figure): Segment[] {
  return [...segments, { stream: "figure", figure }];
}

/** Input typed into the console, shown where it was typed (it is not program output). */
export function appendInput(segments: readonly Segment[], text: string): Segment[] {
  return [...segments, { stream: "stdin", text }];
}

export function figureCount(segments: readonly Segment[]): number {
  return segments.filter((s) => s.stream === "figure").length;
}

/** A file name for a figure's download link. */
export function figureFileName(figure: Figure, index: number): string {
  return `figure-${index + 1}.${figure.mime_type === "image/svg+xml" ? "svg" : "png"}`;
}

export function figureUrl(figure: Figure): string {
  return `data:${figure.mime_type};base64,${figure.data}`;
}

export function appendChunk(
  segments: readonly Segment[],
  stream: StreamName,
  data: string,
): Segment[] {
  if (!data) return segments as Segment[];
  const last = segments[segments.length - 1];
  if (last && last.stream === stream && "text" in last) {
    return [...segments.slice(0, -1), { stream, text: last.text + data }];
  }
  return [...segments, { stream, text: data }];
}

export function streamText(segments: readonly Segment[], stream: StreamName): string {
  let s = "";
  for (const seg of segments) if (seg.stream === stream && "text" in seg) s += seg.text;
  return s;
}

/** Output to show once the result is known. */
export function reconcile(segments: readonly Segment[], result: ExecutionResponse): Segment[] {
  const out = result.stdout ?? "";
  const err = result.stderr ?? "";
  const figures = result.figures ?? [];
  if (
    streamText(segments, "stdout") === out &&
    streamText(segments, "stderr") === err &&
    figureCount(segments) === figures.length
  ) {
    return segments as Segment[];
  }
  // Where the figures fell in the text is known only from the live messages.
  const rebuilt: Segment[] = [];
  if (out) rebuilt.push({ stream: "stdout", text: out });
  if (err) rebuilt.push({ stream: "stderr", text: err });
  for (const figure of figures) rebuilt.push({ stream: "figure", figure });
  return rebuilt;
}

export type RunStatus = "success" | "error" | "timed_out" | "refused" | "cancelled";

export function statusOf(result: ExecutionResponse): RunStatus {
  if (result.security_violations?.length) return "refused";
  if (result.timed_out) return "timed_out";
  if (result.error_type === "Cancelled") return "cancelled";
  return result.success ? "success" : "error";
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1) return "< 1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
