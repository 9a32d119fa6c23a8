// Live output (stdout and stderr told apart) and the final status, time and badges.

import { useLayoutEffect, useRef } from "react";
import type { ExecutionResponse } from "../api/types";
import { Badge, ErrorLine, Spinner } from "../ui/common";
import { formatDuration, statusOf } from "./output";
import type { RunState } from "./useRun";

const STATUS_TEXT = {
  success: "Succeeded",
  error: "Failed",
  timed_out: "Timed out",
  refused: "Refused",
} as const;

function ResultBadges({ result }: { result: ExecutionResponse }) {
  const status = statusOf(result);
  const tone = status === "success" ? "good" : status === "timed_out" ? "warn" : "bad";
  return (
    <div className="badges" data-testid="run-result">
      <Badge tone={tone} testId="run-status">
        {STATUS_TEXT[status]}
        {status === "error" && result.error_type ? `: ${result.error_type}` : ""}
      </Badge>
      <Badge testId="run-time">{formatDuration(result.execution_time_ms)}</Badge>
      {result.truncated && <Badge tone="warn">Output truncated</Badge>}
    </div>
  );
}

export function OutputPanel({ state }: { state: RunState }) {
  const { segments, result, running, error, violations, via } = state;
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  // Follow new output while the reader is at the bottom; leave them be if they scrolled up.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs whenever output grows
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [segments]);
  return (
    <section className="panel output-panel" aria-labelledby="output-heading">
      <div className="panel-head">
        <h2 id="output-heading">Output</h2>
        <Spinner active={running} label="Running…" />
        {via && <span className="muted small">{via === "websocket" ? "live" : "via HTTP"}</span>}
        {result && <ResultBadges result={result} />}
      </div>
      <ErrorLine message={violations.length ? null : error} />
      {violations.length > 0 && (
        <>
          <p className="error-line" role="alert">
            The security policy refused this code:
          </p>
          <ul className="violations" aria-label="Security policy problems">
            {violations.map((v) => (
              <li key={`${v.line}:${v.column}:${v.type}`}>
                Line {v.line}, column {v.column + 1}: {v.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <div
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className="output"
        data-testid="output"
        role="log"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        aria-label="Program output"
      >
        {segments.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments only ever grow at the end, so the index is stable
          <span key={`${state.runId}:${i}`} className={s.stream} data-stream={s.stream}>
            {s.text}
          </span>
        ))}
        {!running && !segments.length && !error && !violations.length && (
          <span className="muted">
            {result ? "(no output)" : "Run the program to see its output here."}
          </span>
        )}
      </div>
      {result?.error && !result.stderr && <p className="stderr-line">{result.error}</p>}
    </section>
  );
}
