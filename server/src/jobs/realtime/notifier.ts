// The Notifier port: "send this message to that user's live connections". Adapters: the
// local WebSocket hub (ws-hub.ts), Postgres LISTEN/NOTIFY fan-out across processes
// (postgres-notifier.ts) and the API Gateway Management API (apigateway-notifier.ts).
// Every adapter delivers only to connections of `userId`: a connection id or job id of
// someone else's simply matches nothing.

/** A server → client WebSocket message (API.md): `type` plus its fields. */
export interface ServerMessage {
  type: string;
  [field: string]: unknown;
}

export interface PublishTarget {
  /** The connection the request named (`connection_id`); ignored unless it is the user's. */
  connectionId?: string | undefined;
  /** Connections of the user subscribed to this job also receive the message. */
  jobId?: string | undefined;
}

export interface Notifier {
  /**
   * Delivers to the user's connections matching the target (the named connection and the
   * job's subscribers); with no target, to all of the user's connections. Best effort:
   * a client that is gone simply misses it and can poll GET /executions/{id}.
   */
  publish(userId: string, message: ServerMessage, target?: PublishTarget): Promise<void>;
  /**
   * Ends every WebSocket connection of the user wherever it is held (its account is gone):
   * each is sent `{"type":"error","message":reason}` and closed with 1008 (policy). API
   * Gateway's connections are named by the caller (`connectionIds`), read before their
   * registry rows went with the account; the hubs know their own.
   */
  disconnect(userId: string, reason: string, connectionIds?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The wire form, shared by the adapters that forward messages to another process. */
export interface Envelope {
  u: string;
  c?: string | undefined;
  j?: string | undefined;
  m: ServerMessage;
  /** Set: end the user's connections after `m` (Notifier.disconnect). */
  d?: 1 | undefined;
}

/** The WebSocket close code of a connection whose account was deleted: policy violation. */
export const CLOSE_ACCOUNT_GONE = 1008;

/** The message a connection gets before it is ended by `disconnect`. */
export function disconnectMessage(reason: string): ServerMessage {
  return { type: "error", message: reason };
}
