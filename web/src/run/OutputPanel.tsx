// Live output (stdout and stderr told apart, figures inline where they were shown), a
// console input line while the program waits for input, and the final status, time and
// badges.

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { ExecutionResponse, Figure } from "../api/types";
import { Badge, ErrorLine, Spinner } from "../ui/common";
import { figureFileName, figureUrl, formatDuration, statusOf } from "./output";
import type { RunState } from "./useRun";

const STATUS_TEXT = {
  success: "Succeeded",
  error: "Failed",
  timed_out: "Timed out",
  refused: "Refused",
  cancelled: "Stopped",
} as const;

export interface ConsoleActions {
  sendInput: (line: string) => boolean;
  closeInput: () => void;
}

function FigureView({ figure, index }: { figure: Figure; index: number }) {
  const url = figureUrl(figure);
  const name = figureFileName(figure, index);
  return (
    <figure className="figure" data-testid="figure">
      <img src={url} alt={`Figure ${index + 1}`} />
      <figcaption>
        <a href={url} download={name}>
          Download {name}
        </a>
      </figcaption>
    </figure>
  );
}

/** The console's input line: Enter sends the line, Ctrl+D ends the input. */
function InputLine({ actions }: { actions: ConsoleActions }) {
  const [line, setLine] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus({ preventScroll: true });
  }, []);
  return (
    <form
      className="console-input"
      onSubmit={(e) => {
        e.preventDefault();
        if (actions.sendInput(line)) setLine("");
      }}
    >
      <input
        ref={input}
        value={line}
        onChange={(e) => setLine(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "d" && e.ctrlKey) {
            e.preventDefault();
            actions.closeInput();
          }
        }}
        aria-label="Program input"
        aria-keyshortcuts="Enter Control+D"
        placeholder="Type input, Enter to send · Ctrl+D ends input"
        autoComplete="off"
        spellCheck={false}
      />
    </form>
  );
}

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
      {(result.figures?.length ?? 0) > 0 && (
        <Badge testId="run-figures">
          {result.figures?.length} figure{result.figures?.length === 1 ? "" : "s"}
        </Badge>
      )}
    </div>
  );
}

export function OutputPanel({ state, io }: { state: RunState; io?: ConsoleActions }) {
  const { segments, result, running, error, violations, via } = state;
  const waiting = running && state.waitingForInput && io !== undefined;
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  // Follow new output while the reader is at the bottom; leave them be if they scrolled up.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs whenever output grows
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [segments, waiting]);
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
        {segments.map((s, i) =>
          s.stream === "figure" ? (
            <FigureView
              // biome-ignore lint/suspicious/noArrayIndexKey: segments only ever grow at the end, so the index is stable
              key={`${state.runId}:${i}`}
              figure={s.figure}
              index={segments.slice(0, i).filter((x) => x.stream === "figure").length}
            />
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments only ever grow at the end, so the index is stable
            <span key={`${state.runId}:${i}`} className={s.stream} data-stream={s.stream}>
              {s.text}
            </span>
          ),
        )}
        {waiting && io && <InputLine actions={io} />}
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
