// GET /ws?token=…: the WebSocket of API.md. The token is checked before the upgrade (a bad
// or missing one gets the HTTP 401 envelope, no socket). Client messages go to the one
// handler shared with the WebSocket Lambda (ws-messages.ts); anything malformed gets an
// `error` message and the connection stays open.
import fastifyWebsocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import type { AuthGuard } from "../auth/auth-guard.js";
import type { ExecutionJobService } from "./execution-job-service.js";
import type { ConnectionBindings } from "./realtime/connection-registry.js";
import type { Connection, WsHub } from "./realtime/ws-hub.js";
import {
  type ClientConnection,
  createClientMessageHandler,
  MAX_CONNECTIONS_PER_USER,
} from "./ws-messages.js";
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

  const handleMessage = createClientMessageHandler({
    jobs: deps.jobs,
    allowAnonymous: deps.allowAnonymous,
  });
  /** The hub's connection as the message handler sees it; the hub sends each job's
   * execution_result once, and binds a token-less connection when a POST names it. */
  const client = (conn: Connection): ClientConnection => ({
    id: conn.id,
    get userId() {
      return conn.userId;
    },
    send: (message) => void hub.sendTo(conn, message),
    subscribe: (jobId) => hub.subscribe(conn, jobId),
    unsubscribe: (jobId) => hub.unsubscribe(conn, jobId),
  });

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
    const peer = client(conn);
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
      handleMessage(peer, data, isBinary).catch((err: unknown) => {
        request.log.error({ err }, "websocket message failed");
        hub.sendTo(conn, { type: "error", message: "Internal error" });
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
