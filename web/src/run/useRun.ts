// React state for one run at a time: live segments, the final result, violations, errors.

import { useCallback, useRef, useState } from "react";
import { ApiError, messageOf } from "../api/errors";
import type { Api, RunRequest } from "../api/http";
import type { RealtimeSocket } from "../api/socket";
import type { ExecutionResponse, SecurityViolation } from "../api/types";
import { appendChunk, reconcile, type Segment } from "./output";
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
};

export function useRun(api: Api, socket: RealtimeSocket | null) {
  const [state, setState] = useState<RunState>(IDLE);
  const busy = useRef(false);

  const run = useCallback(
    async (req: Omit<RunRequest, "connection_id">): Promise<ExecutionResponse | null> => {
      if (busy.current) return null;
      busy.current = true;
      const started = performance.now();
      setState((s) => ({ ...IDLE, runId: s.runId + 1, running: true }));
      try {
        const { result, via } = await runProgram(api, socket, req, {
          onVia: (v) => setState((s) => ({ ...s, via: v })),
          onChunk: (stream, data) =>
            setState((s) => ({
              ...s,
              segments: appendChunk(s.segments, stream, data),
              firstOutputMs: s.firstOutputMs ?? performance.now() - started,
            })),
        });
        setState((s) => ({
          ...s,
          running: false,
          result,
          via,
          segments: reconcile(s.segments, result),
          violations: result.security_violations ?? [],
          firstOutputMs:
            s.firstOutputMs ??
            (result.stdout || result.stderr ? performance.now() - started : null),
        }));
        return result;
      } catch (err) {
        const violations = err instanceof ApiError ? err.violations : [];
        setState((s) => ({ ...s, running: false, violations, error: messageOf(err) }));
        return null;
      } finally {
        busy.current = false;
      }
    },
    [api, socket],
  );

  const clearViolations = useCallback(() => {
    setState((s) => (s.violations.length ? { ...s, violations: [] } : s));
  }, []);

  return { state, run, clearViolations };
}
