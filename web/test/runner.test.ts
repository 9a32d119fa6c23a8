import { describe, expect, it, vi } from "vitest";
import { Api } from "../src/api/http";
import { backoffDelay, RealtimeSocket } from "../src/api/socket";
import type { ExecutionResponse } from "../src/api/types";
import { appendChunk, type Segment } from "../src/run/output";
import { runProgram } from "../src/run/runner";

/** A WebSocket double the test drives by hand. */
class FakeWS {
  static OPEN = 1;
  static instances: FakeWS[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWS.instances.push(this);
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  push(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

const okResult: ExecutionResponse = {
  success: true,
  stdout: "a\nb\n",
  stderr: "",
  error: null,
  error_type: null,
  execution_time_ms: 5,
  timed_out: false,
  security_violations: [],
  truncated: false,
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status });
}

async function readySocket() {
  FakeWS.instances = [];
  const socket = new RealtimeSocket({
    url: "ws://x/ws?token=t",
    WebSocketImpl: FakeWS as unknown as typeof WebSocket,
  });
  socket.start();
  const ws = FakeWS.instances[0] as FakeWS;
  ws.open();
  expect(ws.sent).toEqual([{ action: "ping" }]);
  ws.push({ type: "pong", connection_id: "conn-1" });
  expect(socket.ready).toBe(true);
  return { socket, ws };
}

describe("reconnect backoff", () => {
  it("grows exponentially with jitter and is capped", () => {
    expect(backoffDelay(0, 500, 15_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 15_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 15_000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 500, 15_000, () => 1)).toBe(15_000);
  });

  it("reconnects after the socket drops", async () => {
    vi.useFakeTimers();
    try {
      const { socket, ws } = await readySocket();
      ws.close();
      expect(socket.state).toBe("closed");
      vi.advanceTimersByTime(600);
      expect(FakeWS.instances).toHaveLength(2);
      socket.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("runProgram", () => {
  it("streams over the socket, passing connection_id and subscribing; output that overtakes the 202 is kept", async () => {
    const { socket, ws } = await readySocket();
    const bodies: unknown[] = [];
    const api = new Api({
      getToken: () => "t",
      fetchImpl: async (_url, init) => {
        bodies.push(JSON.parse(String(init?.body)));
        ws.push({ type: "execution_output", job_id: "j1", stream: "stdout", data: "a\n" });
        ws.push({
          type: "execution_output",
          job_id: "other",
          stream: "stdout",
          data: "NOT MINE\n",
        });
        return json(202, { job_id: "j1", status: "queued" });
      },
    });
    let segs: Segment[] = [];
    const p = runProgram(
      api,
      socket,
      { code: "print()" },
      { onChunk: (s, d) => (segs = appendChunk(segs, s, d)) },
    );
    await vi.waitFor(() => expect(ws.sent).toContainEqual({ action: "subscribe", job_id: "j1" }));
    ws.push({ type: "execution_output", job_id: "j1", stream: "stderr", data: "warn\n" });
    ws.push({ type: "execution_output", job_id: "j1", stream: "stdout", data: "b\n" });
    ws.push({ type: "execution_result", job_id: "j1", ...okResult });
    const { result, via } = await p;
    expect(via).toBe("websocket");
    expect(result.stdout).toBe("a\nb\n");
    expect(bodies[0]).toEqual({ code: "print()", connection_id: "conn-1" });
    expect(segs).toEqual([
      { stream: "stdout", text: "a\n" },
      { stream: "stderr", text: "warn\n" },
      { stream: "stdout", text: "b\n" },
    ]);
    socket.stop();
  });

  it("hands figures and input requests over in order, and Stop sends cancel for the job", async () => {
    const { socket, ws } = await readySocket();
    const api = new Api({
      getToken: () => "t",
      fetchImpl: async () => json(202, { job_id: "j2", status: "queued" }),
    });
    const events: string[] = [];
    const stop = new AbortController();
    const p = runProgram(
      api,
      socket,
      { code: "x", interactive: true },
      {
        onChunk: (_s, d) => events.push(`text:${d}`),
        onFigure: (f) => events.push(`figure:${f.mime_type}:${f.data}`),
        onInputRequest: (prompt) => events.push(`input:${prompt}`),
        onJob: (id) => events.push(`job:${id}`),
      },
      stop.signal,
    );
    await vi.waitFor(() => expect(ws.sent).toContainEqual({ action: "subscribe", job_id: "j2" }));
    ws.push({ type: "execution_output", job_id: "j2", stream: "stdout", data: "a\n" });
    ws.push({ type: "execution_figure", job_id: "j2", mime_type: "image/png", data: "AAAA" });
    ws.push({ type: "execution_figure", job_id: "other", mime_type: "image/png", data: "BBBB" });
    ws.push({ type: "execution_input_request", job_id: "j2", prompt: "? " });
    stop.abort();
    expect(ws.sent).toContainEqual({ action: "cancel", job_id: "j2" });
    ws.push({
      type: "execution_result",
      job_id: "j2",
      ...okResult,
      success: false,
      error_type: "Cancelled",
    });
    const { result } = await p;
    expect(result.error_type).toBe("Cancelled");
    expect(events).toEqual(["job:j2", "text:a\n", "figure:image/png:AAAA", "input:? "]);
    socket.stop();
  });

  it("falls back to POST /execute when the socket is down", async () => {
    const urls: string[] = [];
    const api = new Api({
      getToken: () => "t",
      fetchImpl: async (url) => {
        urls.push(String(url));
        return json(200, okResult);
      },
    });
    const { result, via } = await runProgram(api, null, { code: "x" }, { onChunk: () => {} });
    expect(via).toBe("http");
    expect(result).toEqual(okResult);
    expect(urls).toEqual(["/execute"]);
  });

  it("polls the job when the socket drops mid-run", async () => {
    const { socket, ws } = await readySocket();
    const urls: string[] = [];
    const api = new Api({
      getToken: () => "t",
      fetchImpl: async (url) => {
        urls.push(String(url));
        if (String(url) === "/execute/async") return json(202, { job_id: "j2", status: "queued" });
        return json(200, {
          job_id: "j2",
          status: "completed",
          result: okResult,
          created_at: "now",
        });
      },
    });
    const p = runProgram(api, socket, { code: "x" }, { onChunk: () => {} });
    await vi.waitFor(() => expect(ws.sent).toContainEqual({ action: "subscribe", job_id: "j2" }));
    ws.close();
    const { result } = await p;
    expect(result).toEqual(okResult);
    expect(urls).toContain("/executions/j2");
    socket.stop();
  });

  it("surfaces a security refusal with its violations", async () => {
    const api = new Api({
      getToken: () => "t",
      fetchImpl: async () =>
        json(400, {
          error: "security_violation",
          message: "refused",
          security_violations: [
            {
              type: "blocked_import",
              line: 2,
              column: 0,
              message: "Import of 'os' is not allowed",
            },
          ],
        }),
    });
    await expect(
      runProgram(api, null, { code: "import os" }, { onChunk: () => {} }),
    ).rejects.toMatchObject({
      code: "security_violation",
      violations: [{ line: 2 }],
    });
  });
});
