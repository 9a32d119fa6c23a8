// Assembles streamed execution output: chunks arrive in order per job, each tagged stdout or
// stderr; adjacent chunks of the same stream merge so the view renders few spans. The final
// result is authoritative: if what streamed differs from it (a dropped or late chunk, or
// the HTTP fallback), the view is rebuilt from the result.

import type { ExecutionResponse } from "../api/types";

export type StreamName = "stdout" | "stderr";

export interface Segment {
  stream: StreamName;
  text: string;
}

export function appendChunk(
  segments: readonly Segment[],
  stream: StreamName,
  data: string,
): Segment[] {
  if (!data) return segments as Segment[];
  const last = segments[segments.length - 1];
  if (last && last.stream === stream) {
    return [...segments.slice(0, -1), { stream, text: last.text + data }];
  }
  return [...segments, { stream, text: data }];
}

export function streamText(segments: readonly Segment[], stream: StreamName): string {
  let s = "";
  for (const seg of segments) if (seg.stream === stream) s += seg.text;
  return s;
}

/** Output to show once the result is known. */
export function reconcile(segments: readonly Segment[], result: ExecutionResponse): Segment[] {
  const out = result.stdout ?? "";
  const err = result.stderr ?? "";
  if (streamText(segments, "stdout") === out && streamText(segments, "stderr") === err) {
    return segments as Segment[];
  }
  const rebuilt: Segment[] = [];
  if (out) rebuilt.push({ stream: "stdout", text: out });
  if (err) rebuilt.push({ stream: "stderr", text: err });
  return rebuilt;
}

export type RunStatus = "success" | "error" | "timed_out" | "refused";

export function statusOf(result: ExecutionResponse): RunStatus {
  if (result.security_violations?.length) return "refused";
  if (result.timed_out) return "timed_out";
  return result.success ? "success" : "error";
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1) return "< 1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
