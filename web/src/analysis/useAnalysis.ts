// React state for an analysis: streamed Markdown over the socket (POST /analyze/async),
// or one POST /analyze when the socket is down; plus the server's provider status.

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, messageOf } from "../api/errors";
import type { Api } from "../api/http";
import type { RealtimeSocket } from "../api/socket";
import type { AnalysisResult, AnalysisStatus, ServerMessage } from "../api/types";

export interface AnalysisState {
  running: boolean;
  streaming: boolean;
  text: string;
  result: AnalysisResult | null;
  error: string | null;
}

const IDLE: AnalysisState = {
  running: false,
  streaming: false,
  text: "",
  result: null,
  error: null,
};

export function useAnalysis(api: Api, socket: RealtimeSocket | null) {
  const [state, setState] = useState<AnalysisState>(IDLE);
  const [status, setStatus] = useState<AnalysisStatus | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    api.analysisStatus().then(setStatus, () => setStatus(null));
  }, [api]);

  const analyse = useCallback(
    async (code: string, snippetId?: string): Promise<AnalysisResult | null> => {
      if (busy.current) return null;
      busy.current = true;
      setState({ ...IDLE, running: true });
      try {
        const connectionId = socket
          ? await socket.whenReady(socket.state === "connecting" ? 1500 : 0)
          : null;
        let result: AnalysisResult;
        if (socket && connectionId) {
          result = await streamAnalysis(api, socket, connectionId, code, snippetId, (chunk) =>
            setState((s) => ({ ...s, streaming: true, text: s.text + chunk })),
          );
        } else {
          result = await api.analyze(code, snippetId);
        }
        setState((s) => ({
          ...s,
          running: false,
          streaming: false,
          result,
          text: s.text.trim() ? s.text : (result.narrative ?? ""),
          error: result.success ? null : analysisProblem(result),
        }));
        return result;
      } catch (err) {
        setState((s) => ({ ...s, running: false, streaming: false, error: messageOf(err) }));
        return null;
      } finally {
        busy.current = false;
      }
    },
    [api, socket],
  );

  return { state, status, analyse };
}

export function analysisProblem(r: AnalysisResult): string {
  if (!r.available)
    return "Analysis is unavailable right now: the server has no analysis provider configured.";
  return r.error ? `The analysis failed: ${r.error}` : "The analysis failed. Please try again.";
}

function streamAnalysis(
  api: Api,
  socket: RealtimeSocket,
  connectionId: string,
  code: string,
  snippetId: string | undefined,
  onChunk: (chunk: string) => void,
): Promise<AnalysisResult> {
  return new Promise((resolve, reject) => {
    let jobId: string | null = null;
    const early: ServerMessage[] = [];
    const handle = (msg: ServerMessage) => {
      if (msg.type === "analysis_stream_chunk") onChunk(msg.chunk ?? "");
      else if (msg.type === "analysis_stream_complete") finish(() => resolve(msg.result));
      else if (msg.type === "analysis_stream_error") {
        const why = msg.error ?? msg.message;
        finish(() =>
          reject(
            new ApiError(
              500,
              "analysis_error",
              why ? `The analysis failed: ${why}` : "The analysis failed.",
            ),
          ),
        );
      }
    };
    const off = socket.onMessage((msg) => {
      if (!msg.type.startsWith("analysis_stream_")) return;
      if (jobId === null) early.push(msg);
      else if ("job_id" in msg && msg.job_id === jobId) handle(msg);
    });
    // If the socket drops mid-stream, ask once over HTTP instead.
    const offState = socket.onState((s) => {
      if (s === "closed") finish(() => api.analyze(code, snippetId).then(resolve, reject));
    });
    let finished = false;
    function finish(then: () => void) {
      if (finished) return;
      finished = true;
      off();
      offState();
      then();
    }
    api.analyzeAsync(code, connectionId, snippetId).then(
      (accepted) => {
        jobId = accepted.job_id;
        socket.subscribe(jobId);
        for (const msg of early.splice(0)) if ("job_id" in msg && msg.job_id === jobId) handle(msg);
      },
      (err) => {
        if (err instanceof ApiError && [404, 405, 501].includes(err.status)) {
          finish(() => api.analyze(code, snippetId).then(resolve, reject));
        } else finish(() => reject(err));
      },
    );
  });
}
