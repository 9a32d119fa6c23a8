// The one client-message handler of /ws and the WebSocket Lambda (ws-messages.ts), driven
// through a recording connection: what each transport sees for each message. The routes'
// own tests (ws-flow, ws-messages, ws-anonymous, ws-lambda) cover it through real sockets.
import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../src/jobs/realtime/notifier.js";
import {
  type ClientConnection,
  createClientMessageHandler,
  MAX_CLIENT_MESSAGE_BYTES,
} from "../../src/jobs/ws-messages.js";
import type { ExecutionRow } from "../../src/platform/db/schema/index.js";
import { ConflictError, NotFoundError } from "../../src/platform/errors.js";

const JOB = "0b7c1c8e-6a54-4d6e-9a43-1f5e2f3a4b5c";
const OTHER = "5d0f0a3c-2b1e-4c7d-8e9f-0a1b2c3d4e5f";

class RecordingConnection implements ClientConnection {
  sent: ServerMessage[] = [];
  following = new Set<string>();
  constructor(
    readonly userId: string | null,
    readonly id = "conn-1",
    private readonly limit = 2,
  ) {}
  send(message: ServerMessage) {
    this.sent.push(message);
  }
  subscribe(jobId: string) {
    if (!this.following.has(jobId) && this.following.size >= this.limit) return false;
    this.following.add(jobId);
    return true;
  }
  unsubscribe(jobId: string) {
    this.following.delete(jobId);
  }
}

function handler(allowAnonymous = true) {
  const calls: string[] = [];
  const done = {
    jobId: JOB,
    status: "completed",
    result: { success: true, stdout: "hi\n" },
  } as unknown as ExecutionRow;
  const handle = createClientMessageHandler({
    allowAnonymous,
    jobs: {
      findOwned: async (userId, jobId) => (userId === "u1" && jobId === JOB ? done : undefined),
      cancel: async (userId, jobId) => {
        calls.push(`cancel ${userId} ${jobId}`);
        if (jobId !== JOB) throw new NotFoundError("Execution not found");
        return done;
      },
      sendInput: async (userId, jobId, command) => {
        calls.push(`${command.action} ${userId} ${jobId}`);
        throw new ConflictError("The execution has finished");
      },
    },
  });
  const send = (conn: ClientConnection, message: unknown, binary = false) =>
    handle(
      conn,
      Buffer.from(typeof message === "string" ? message : JSON.stringify(message)),
      binary,
    );
  return { send, calls };
}

describe("client message handler", () => {
  it("answers bad frames with an error message each", async () => {
    const { send } = handler();
    const c = new RecordingConnection("u1");
    await send(c, "not json");
    await send(c, { action: "dance" });
    await send(c, { action: "subscribe", job_id: "nope" });
    await send(c, { action: "ping" }, true);
    await send(c, "x".repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    expect(c.sent.map((m) => m.message)).toEqual([
      "Message is not valid JSON",
      "Unknown action: dance",
      expect.stringMatching(/^Invalid subscribe message: job_id /),
      "Binary messages are not supported",
      `Message too large (limit ${MAX_CLIENT_MESSAGE_BYTES} bytes)`,
    ]);
  });

  it("gives an unbound connection its pong and nothing else, or tells it to reconnect", async () => {
    const anon = handler(true);
    const c = new RecordingConnection(null, "anon-1");
    await anon.send(c, { action: "subscribe", job_id: JOB });
    await anon.send(c, "not json");
    await anon.send(c, { action: "ping" });
    expect(c.sent).toEqual([{ type: "pong", connection_id: "anon-1" }]);
    expect(c.following.size).toBe(0);

    const strict = handler(false);
    const d = new RecordingConnection(null);
    await strict.send(d, { action: "ping" });
    expect(d.sent).toEqual([{ type: "error", message: "Unknown connection: reconnect" }]);
  });

  it("subscribes to the owner's job and hands over a finished result; a foreign job is dropped", async () => {
    const { send } = handler();
    const c = new RecordingConnection("u1");
    await send(c, { action: "subscribe", job_id: JOB });
    expect(c.sent).toEqual([
      { type: "subscribed", job_id: JOB, status: "completed" },
      { type: "execution_result", job_id: JOB, success: true, stdout: "hi\n" },
    ]);
    const stranger = new RecordingConnection("u2");
    await send(stranger, { action: "subscribe", job_id: JOB });
    expect(stranger.sent).toEqual([{ type: "error", message: "Job not found" }]);
    expect(stranger.following.size).toBe(0);
  });

  it("refuses a subscription past the connection's limit, and unsubscribes", async () => {
    const { send } = handler();
    const c = new RecordingConnection("u1", "c", 1);
    await send(c, { action: "subscribe", job_id: JOB });
    await send(c, { action: "subscribe", job_id: OTHER });
    expect(c.sent.at(-1)).toEqual({ type: "error", message: "Too many subscriptions" });
    await send(c, { action: "unsubscribe", job_id: JOB });
    expect(c.sent.at(-1)).toEqual({ type: "unsubscribed", job_id: JOB });
    expect(c.following.size).toBe(0);
  });

  it("turns a command's not-found and conflict into error messages naming the job", async () => {
    const { send, calls } = handler();
    const c = new RecordingConnection("u1");
    await send(c, { action: "cancel", job_id: JOB });
    await send(c, { action: "cancel", job_id: OTHER });
    await send(c, { action: "stdin", job_id: JOB, data: "x" });
    await send(c, { action: "stdin_close", job_id: JOB });
    expect(calls).toEqual([
      `cancel u1 ${JOB}`,
      `cancel u1 ${OTHER}`,
      `stdin u1 ${JOB}`,
      `stdin_close u1 ${JOB}`,
    ]);
    expect(c.sent).toEqual([
      { type: "error", message: "Job not found", job_id: OTHER },
      { type: "error", message: "The execution has finished", job_id: JOB },
      { type: "error", message: "The execution has finished", job_id: JOB },
    ]);
  });
});
