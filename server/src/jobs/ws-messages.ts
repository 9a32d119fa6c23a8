// The one handler of client WebSocket messages (API.md WebSocket), for both transports:
// the local `/ws` route (ws-routes.ts, a socket in this process's WsHub) and the API Gateway
// WebSocket Lambda (lambda/ws-handler.ts, a connection id in `ws_connections`). Each frame
// is parsed and validated once here and dispatched once here; a transport only says who
// the connection belongs to, how to answer it and how it follows a job.
import type { RawData } from "ws";
import { ConflictError, NotFoundError } from "../platform/errors.js";
import {
  CLIENT_ACTIONS,
  type ClientMessage,
  clientMessageSchema,
} from "./execution-job-schemas.js";
import type { ExecutionJobService } from "./execution-job-service.js";
import type { ServerMessage } from "./realtime/notifier.js";

/** Client commands are tiny; a bigger message is refused (but answered, socket kept). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** Tabs and devices of one person; more is a leak or abuse holding server memory. */
export const MAX_CONNECTIONS_PER_USER = 32;

/** One client connection as the handler sees it, whatever carries it. */
export interface ClientConnection {
  /** The id the client learns from `pong` and names in POST /execute/async. */
  readonly id: string;
  /** Whose it is; null while a token-less connection is bound to nobody. */
  readonly userId: string | null;
  send(message: ServerMessage): void | Promise<void>;
  /** Follows a job's messages; false when the connection follows too many already. */
  subscribe(jobId: string): boolean | Promise<boolean>;
  unsubscribe(jobId: string): void | Promise<void>;
}

export interface ClientMessageDeps {
  jobs: Pick<ExecutionJobService, "findOwned" | "cancel" | "sendInput">;
  /** Token-less connections are allowed (settings.wsAllowAnonymous): an unbound one gets
   * `pong` and nothing else. Otherwise a connection of nobody's is told to reconnect. */
  allowAnonymous: boolean;
}

const byteLength = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  | { ok: false; error: string };

/** Validates one client frame: size, text, JSON, then the message schema. */
export function parseClientMessage(data: RawData, isBinary: boolean): ParsedClientMessage {
  if (byteLength(data) > MAX_CLIENT_MESSAGE_BYTES)
    return { ok: false, error: `Message too large (limit ${MAX_CLIENT_MESSAGE_BYTES} bytes)` };
  if (isBinary) return { ok: false, error: "Binary messages are not supported" };
  let json: unknown;
  try {
    json = JSON.parse(data.toString());
  } catch {
    return { ok: false, error: "Message is not valid JSON" };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const action = (json as { action?: unknown } | null)?.action;
  if (typeof action !== "string" || !(CLIENT_ACTIONS as string[]).includes(action)) {
    return { ok: false, error: `Unknown action: ${String(action).slice(0, 64)}` };
  }
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: `Invalid ${action} message: ${issue?.path.join(".")} ${issue?.message}`,
  };
}

/** cancel / stdin / stdin_close for the user's job; returns the error to answer, if any.
 * The answer to a cancel is the job's execution_result; input needs none. */
async function commandJob(
  jobs: ClientMessageDeps["jobs"],
  userId: string,
  m: Extract<ClientMessage, { action: "cancel" | "stdin" | "stdin_close" }>,
): Promise<string | undefined> {
  try {
    if (m.action === "cancel") await jobs.cancel(userId, m.job_id);
    else if (m.action === "stdin") {
      await jobs.sendInput(userId, m.job_id, { action: "stdin", data: m.data });
    } else await jobs.sendInput(userId, m.job_id, { action: "stdin_close" });
    return undefined;
  } catch (err) {
    if (err instanceof NotFoundError) return "Job not found";
    if (err instanceof ConflictError) return err.message;
    throw err;
  }
}

/** Handles one frame from `conn`. Throws only for a failure of ours (the transport logs it
 * and answers "Internal error"); everything the client got wrong is answered here. */
export function createClientMessageHandler(deps: ClientMessageDeps) {
  return async function handleClientMessage(
    conn: ClientConnection,
    data: RawData,
    isBinary: boolean,
  ): Promise<void> {
    const parsed = parseClientMessage(data, isBinary);
    const { userId } = conn;
    if (userId === null) {
      // Not bound to anyone yet: it learns its id from `pong`, and nothing else at all.
      if (!deps.allowAnonymous) {
        return void (await conn.send({ type: "error", message: "Unknown connection: reconnect" }));
      }
      if (parsed.ok && parsed.message.action === "ping") {
        await conn.send({ type: "pong", connection_id: conn.id });
      }
      return;
    }
    if (!parsed.ok) return void (await conn.send({ type: "error", message: parsed.error }));
    const m = parsed.message;
    switch (m.action) {
      case "ping":
        return void (await conn.send({ type: "pong", connection_id: conn.id }));
      case "unsubscribe":
        await conn.unsubscribe(m.job_id);
        return void (await conn.send({ type: "unsubscribed", job_id: m.job_id }));
      case "cancel":
      case "stdin":
      case "stdin_close": {
        const error = await commandJob(deps.jobs, userId, m);
        if (error) await conn.send({ type: "error", message: error, job_id: m.job_id });
        return;
      }
      case "subscribe": {
        // Subscribe before reading the job, so a result published in between is not missed;
        // delivery is always by user first, so a foreign id matches nothing meanwhile.
        if (!(await conn.subscribe(m.job_id))) {
          return void (await conn.send({ type: "error", message: "Too many subscriptions" }));
        }
        const job = await deps.jobs.findOwned(userId, m.job_id);
        if (!job) {
          await conn.unsubscribe(m.job_id);
          return void (await conn.send({ type: "error", message: "Job not found" }));
        }
        await conn.send({ type: "subscribed", job_id: job.jobId, status: job.status });
        // Finished before the subscription: hand over the result now.
        if (job.result && (job.status === "completed" || job.status === "failed")) {
          await conn.send({
            type: "execution_result",
            job_id: job.jobId,
            ...(job.result as object),
          });
        }
        return;
      }
    }
  };
}
