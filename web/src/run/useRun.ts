// React state for one run at a time: live segments (text and figures), the final result,
// violations, errors; input typed into a waiting program, and Stop.

import { useCallback, useRef, useState } from "react";
import { ApiError, messageOf } from "../api/errors";
import type { Api, RunRequest } from "../api/http";
import type { RealtimeSocket } from "../api/socket";
import type { ExecutionResponse, SecurityViolation } from "../api/types";
import { appendChunk, appendFigure, appendInput, reconcile, type Segment } from "./output";
import { type RunVia, runProgram } from "./runner";

export interface RunState {
  /** increments per run, so each run's output renders as fresh nodes */
  runId: number;
  running: boolean;
  segments: Segment[];
  result: ExecutionResponse | null;
  violations: SecurityViolation[];
  error: string | null;
  via: RunVia | null;
  /** ms from pressing Run to the first output on screen (for the budget bench) */
  firstOutputMs: number | null;
  /** The program waits for input: the console shows an input line. */
  waitingForInput: boolean;
  /** Input was ended (Ctrl+D): the console accepts no more. */
  inputClosed: boolean;
  stopping: boolean;
}

const IDLE: RunState = {
  runId: 0,
  running: false,
  segments: [],
  result: null,
  violations: [],
  error: null,
  via: null,
  firstOutputMs: null,
  waitingForInput: false,
  inputClosed: false,
  stopping: false,
};

/** Input lines are sent in pieces that fit the server's 4 KB message limit. */
const INPUT_PIECE_CHARS = 1000;

export function useRun(api: Api, socket: RealtimeSocket | null) {
  const [state, setState] = useState<RunState>(IDLE);
  const busy = useRef(false);
  const jobId = useRef<string | null>(null);
  const httpAbort = useRef<AbortController | null>(null);

  const run = useCallback(
    async (req: Omit<RunRequest, "connection_id">): Promise<ExecutionResponse | null> => {
      if (busy.current) return null;
      busy.current = true;
      jobId.current = null;
      const abort = new AbortController();
      httpAbort.current = abort;
      const started = performance.now();
      const seen = (s: RunState) => s.firstOutputMs ?? performance.now() - started;
      setState((s) => ({ ...IDLE, runId: s.runId + 1, running: true }));
      try {
        const { result, via } = await runProgram(
          api,
          socket,
          req,
          {
            onVia: (v) => setState((s) => ({ ...s, via: v })),
            onJob: (id) => {
              jobId.current = id;
            },
            onChunk: (stream, data) =>
              setState((s) => ({
                ...s,
                segments: appendChunk(s.segments, stream, data),
                firstOutputMs: seen(s),
              })),
            onFigure: (figure) =>
              setState((s) => ({
                ...s,
                segments: appendFigure(s.segments, figure),
                firstOutputMs: seen(s),
              })),
            onInputRequest: () =>
              setState((s) => (s.inputClosed ? s : { ...s, waitingForInput: true })),
          },
          abort.signal,
        );
        setState((s) => ({
          ...s,
          running: false,
          stopping: false,
          waitingForInput: false,
          result,
          via,
          segments: reconcile(s.segments, result),
          violations: result.security_violations ?? [],
          firstOutputMs:
            s.firstOutputMs ??
            (result.stdout || result.stderr || result.figures?.length
              ? performance.now() - started
              : null),
        }));
        return result;
      } catch (err) {
        const stopped = abort.signal.aborted;
        const violations = err instanceof ApiError ? err.violations : [];
        setState((s) => ({
          ...s,
          running: false,
          stopping: false,
          waitingForInput: false,
          violations,
          error: stopped ? "Stopped" : messageOf(err),
        }));
        return null;
      } finally {
        busy.current = false;
        jobId.current = null;
        httpAbort.current = null;
      }
    },
    [api, socket],
  );

  /** Sends a line typed into the console (with its newline) to the waiting program. */
  const sendInput = useCallback(
    (line: string) => {
      const id = jobId.current;
      if (!id || !socket) return false;
      const data = `${line}\n`;
      for (let i = 0; i < data.length; i += INPUT_PIECE_CHARS) {
        if (
          !socket.send({ action: "stdin", job_id: id, data: data.slice(i, i + INPUT_PIECE_CHARS) })
        )
          return false;
      }
      setState((s) => ({ ...s, waitingForInput: false, segments: appendInput(s.segments, data) }));
      return true;
    },
    [socket],
  );

  /** Ends the program's input: its next read gets end of file (Ctrl+D in a terminal). */
  const closeInput = useCallback(() => {
    const id = jobId.current;
    if (!id || !socket) return;
    socket.send({ action: "stdin_close", job_id: id });
    setState((s) => ({ ...s, waitingForInput: false, inputClosed: true }));
  }, [socket]);

  /** Stop: the runner cancels the job, or drops the HTTP request (which frees the sandbox). */
  const stop = useCallback(() => {
    if (!busy.current || !httpAbort.current || httpAbort.current.signal.aborted) return;
    setState((s) => (s.running ? { ...s, stopping: true } : s));
    httpAbort.current.abort();
  }, []);

  const clearViolations = useCallback(() => {
    setState((s) => (s.violations.length ? { ...s, violations: [] } : s));
  }, []);

  return { state, run, stop, sendInput, closeInput, clearViolations };
}
