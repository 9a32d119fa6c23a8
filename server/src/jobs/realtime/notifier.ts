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
  close(): Promise<void>;
}

/** The wire form, shared by the adapters that forward messages to another process. */
export interface Envelope {
  u: string;
  c?: string | undefined;
  j?: string | undefined;
  m: ServerMessage;
}
