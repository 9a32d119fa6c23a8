// GET /ws?token=…: the WebSocket of API.md. The token is checked before the upgrade (a bad
// or missing one gets the HTTP 401 envelope, no socket). Client messages are small
// commands; anything malformed gets an `error` message and the connection stays open.
import fastifyWebsocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { RawData, WebSocket } from "ws";
import type { AuthGuard } from "../auth/auth-guard.js";
import { ConflictError, NotFoundError } from "../platform/errors.js";
import type { ClientMessage } from "./execution-job-schemas.js";
import { CLIENT_ACTIONS, clientMessageSchema } from "./execution-job-schemas.js";
import type { ExecutionJobService } from "./execution-job-service.js";
import type { ConnectionBindings } from "./realtime/connection-registry.js";
import type { Connection, WsHub } from "./realtime/ws-hub.js";

/** Client commands are tiny; a bigger message is refused (but answered, socket kept). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** Tabs and devices of one person; more is a leak or abuse holding server memory. */
export const MAX_CONNECTIONS_PER_USER = 32;
/** Token-less connections not bound yet: per client (peer address), and in all. */
export const MAX_UNBOUND_PER_CLIENT = 8;
export const MAX_UNBOUND_CONNECTIONS = 1024;
/** Frames above this are cut off by `ws` itself (close 1009); generous so the app can answer. */
const MAX_FRAME_BYTES = 1024 * 1024;

export interface WsRouteDeps {
  hub: WsHub;
  guard: AuthGuard;
  jobs: Pick<ExecutionJobService, "findOwned" | "cancel" | "sendInput">;
  /** Records which user each connection belongs to, for every process to check. */
  connections: Pick<ConnectionBindings, "add" | "remove">;
  /** Accept a connection without a token (the original client's way); see settings. */
  allowAnonymous: boolean;
}

const byteLength = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;

/** Validates one client frame; shared with the API Gateway WebSocket Lambda (ws-handler.ts). */
export function parseClientMessage(
  data: RawData,
  isBinary: boolean,
):
  | { ok: true; message: ReturnType<typeof clientMessageSchema.parse> }
  | { ok: false; error: string } {
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

/**
 * cancel / stdin / stdin_close for the user's job; returns the error to answer, if any.
 * Shared with the API Gateway WebSocket Lambda (ws-handler.ts). The answer to a cancel is
 * the job's execution_result; input needs none.
 */
export async function commandJob(
  jobs: Pick<ExecutionJobService, "cancel" | "sendInput">,
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

export async function registerWsRoutes(app: FastifyInstance, deps: WsRouteDeps): Promise<void> {
  const { hub } = deps;
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  // Browsers cannot set headers on a WebSocket, hence the token in the query string. A
  // token that is there must be good; none at all is a token-less connection, if allowed.
  app.addHook("onRequest", async (request) => {
    const token = (request.query as { token?: unknown }).token;
    const given = typeof token === "string" && token !== "" ? token : undefined;
    request.user =
      given === undefined && deps.allowAnonymous ? null : await deps.guard.userFromToken(given);
  });

  const send = (conn: Connection, message: { type: string; [k: string]: unknown }) =>
    hub.sendTo(conn, message);

  async function onMessage(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    const parsed = parseClientMessage(data, isBinary);
    const userId = conn.userId;
    // Not bound to anyone yet: it learns its id from `pong`, and nothing else at all.
    if (userId === null) {
      if (parsed.ok && parsed.message.action === "ping") {
        send(conn, { type: "pong", connection_id: conn.id });
      }
      return;
    }
    if (!parsed.ok) return void send(conn, { type: "error", message: parsed.error });
    const m = parsed.message;
    if (m.action === "ping") return void send(conn, { type: "pong", connection_id: conn.id });
    if (m.action === "unsubscribe") {
      hub.unsubscribe(conn, m.job_id);
      return void send(conn, { type: "unsubscribed", job_id: m.job_id });
    }
    if (m.action === "cancel" || m.action === "stdin" || m.action === "stdin_close") {
      const error = await commandJob(deps.jobs, userId, m);
      if (error) send(conn, { type: "error", message: error, job_id: m.job_id });
      return;
    }
    // Subscribe before reading the job, so a result published in between is not missed;
    // the hub only ever delivers the owner's messages, so a foreign id matches nothing.
    if (!hub.subscribe(conn, m.job_id))
      return void send(conn, { type: "error", message: "Too many subscriptions" });
    const job = await deps.jobs.findOwned(userId, m.job_id);
    if (!job) {
      hub.unsubscribe(conn, m.job_id);
      return void send(conn, { type: "error", message: "Job not found" });
    }
    send(conn, { type: "subscribed", job_id: job.jobId, status: job.status });
    // Finished before the subscription: hand over the result now (the hub sends it once).
    if (job.result && (job.status === "completed" || job.status === "failed")) {
      send(conn, { type: "execution_result", job_id: job.jobId, ...(job.result as object) });
    }
  }

  app.get("/ws", { websocket: true }, (socket: WebSocket, request) => {
    const userId = request.user?.id ?? null;
    const full =
      userId === null
        ? hub.unboundCount(request.ip) >= MAX_UNBOUND_PER_CLIENT ||
          hub.unboundCount() >= MAX_UNBOUND_CONNECTIONS
        : hub.connectionsOf(userId) >= MAX_CONNECTIONS_PER_USER;
    if (full) {
      socket.close(1008, "Too many connections");
      return;
    }
    const conn = hub.add(userId, socket, request.ip);
    if (userId !== null) {
      // So that no other user's request can claim it (ConnectionBindings.claim).
      deps.connections.add(conn.id, userId).catch((err: unknown) => {
        request.log.error({ err }, "could not record a websocket connection");
        hub.remove(conn);
        socket.close(1011, "Internal error");
      });
    }
    socket.on("pong", () => {
      conn.alive = true;
    });
    socket.on("message", (data, isBinary) => {
      conn.alive = true;
      onMessage(conn, data, isBinary).catch((err: unknown) => {
        request.log.error({ err }, "websocket message failed");
        send(conn, { type: "error", message: "Internal error" });
      });
    });
    socket.on("close", () => {
      hub.remove(conn);
      if (conn.userId !== null) {
        deps.connections.remove(conn.id).catch((err: unknown) => {
          request.log.warn({ err }, "could not forget a websocket connection");
        });
      }
    });
  });
}
