// Runs a program: over the WebSocket when it is up (POST /execute/async, then live
// execution_output chunks, execution_figure images, execution_input_request prompts and the
// execution_result), otherwise by POST /execute. If the socket drops mid-run, the job is
// polled with GET /executions/{id} until it finishes.

import { ApiError } from "../api/errors";
import type { Api, RunRequest } from "../api/http";
import type { RealtimeSocket } from "../api/socket";
import type { ExecutionResponse, Figure, ServerMessage } from "../api/types";
import type { StreamName } from "./output";

export type RunVia = "websocket" | "http";

export interface RunHandlers {
  onChunk: (stream: StreamName, data: string) => void;
  onVia?: (via: RunVia) => void;
  onFigure?: (figure: Figure) => void;
  /** An interactive run waits for input (`prompt` is what input() printed). */
  onInputRequest?: (prompt: string) => void;
  /** The job id of a run over the WebSocket, for input and Stop. */
  onJob?: (jobId: string) => void;
}

const LIVE_TYPES = new Set([
  "execution_output",
  "execution_result",
  "execution_figure",
  "execution_input_request",
]);

const POLL_MS = 500;

/** Server answers that mean "async execution isn't offered here": use the HTTP path. */
function asyncUnsupported(err: unknown): boolean {
  return err instanceof ApiError && [404, 405, 501].includes(err.status);
}

export async function runProgram(
  api: Api,
  socket: RealtimeSocket | null,
  req: Omit<RunRequest, "connection_id">,
  handlers: RunHandlers,
  /** Stops a run over HTTP (the server frees its sandbox when the request goes away). */
  signal?: AbortSignal,
): Promise<{ result: ExecutionResponse; via: RunVia }> {
  const connectionId = socket
    ? await socket.whenReady(socket.state === "connecting" ? 1500 : 0)
    : null;
  if (!socket || !connectionId) return runOverHttp(api, req, handlers, signal);

  let jobId: string | null = null;
  const early: ServerMessage[] = [];
  let settle: (r: ExecutionResponse) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const finished = new Promise<ExecutionResponse>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let polling = false;
  let done = false;

  const handle = (msg: ServerMessage) => {
    if (msg.type === "execution_output") handlers.onChunk(msg.stream, msg.data);
    else if (msg.type === "execution_figure") {
      handlers.onFigure?.({ mime_type: msg.mime_type, data: msg.data });
    } else if (msg.type === "execution_input_request") handlers.onInputRequest?.(msg.prompt);
    else if (msg.type === "execution_result") {
      const { type: _t, job_id: _j, ...result } = msg;
      settle(result as ExecutionResponse);
    }
  };
  const offMessage = socket.onMessage((msg) => {
    if (!LIVE_TYPES.has(msg.type)) return;
    // Output can overtake the 202: keep it until the job id is known.
    if (jobId === null) early.push(msg);
    else if ("job_id" in msg && msg.job_id === jobId) handle(msg);
  });
  const poll = async () => {
    if (polling || jobId === null) return;
    polling = true;
    const id = jobId;
    while (!done) {
      try {
        const job = await api.execution(id);
        if ((job.status === "completed" || job.status === "failed") && job.result) {
          settle(job.result);
          return;
        }
      } catch (err) {
        if (err instanceof ApiError && err.status !== 0) {
          fail(err);
          return;
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const offState = socket.onState((s) => {
    if (s === "closed") void poll();
  });

  try {
    let accepted: { job_id: string };
    try {
      accepted = await api.executeAsync({ ...req, connection_id: connectionId });
    } catch (err) {
      if (asyncUnsupported(err)) return await runOverHttp(api, req, handlers, signal);
      throw err;
    }
    jobId = accepted.job_id;
    handlers.onJob?.(jobId);
    const id = jobId;
    const cancel = () => {
      if (!socket.send({ action: "cancel", job_id: id }))
        void api.cancelExecution(id).catch(() => {});
    };
    if (signal?.aborted) cancel();
    else signal?.addEventListener("abort", cancel, { once: true });
    handlers.onVia?.("websocket");
    if (!socket.subscribe(jobId)) void poll();
    for (const msg of early.splice(0)) {
      if ("job_id" in msg && msg.job_id === jobId) handle(msg);
    }
    // A generous watchdog: if no result arrives well past the timeout, ask for it.
    const watchdog = setTimeout(() => void poll(), ((req.timeout_seconds ?? 30) + 10) * 1000);
    try {
      return { result: await finished, via: "websocket" };
    } finally {
      clearTimeout(watchdog);
    }
  } finally {
    done = true; // ends a poll loop that may still be waiting
    offMessage();
    offState();
  }
}

async function runOverHttp(
  api: Api,
  req: Omit<RunRequest, "connection_id">,
  handlers: RunHandlers,
  signal?: AbortSignal,
): Promise<{ result: ExecutionResponse; via: RunVia }> {
  handlers.onVia?.("http");
  const result = await api.execute(req, signal);
  return { result, via: "http" };
}
