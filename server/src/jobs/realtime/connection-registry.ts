// Which API Gateway WebSocket connection belongs to which user, and what it follows.
// In AWS the $connect/$disconnect handlers fill it; every deployment backs this port with
// the `ws_connections` table (db-connection-registry.ts); the tests' in-memory stand-in is
// server/test/helpers/memory-connection-registry.ts.
import type { PublishTarget } from "./notifier.js";

/** Who a WebSocket connection belongs to, shared by every process (db-connection-registry.ts). */
export interface ConnectionBindings {
  /** Records a connection opened with a token as the user's. */
  add(connectionId: string, userId: string): Promise<void>;
  /**
   * Binds a connection to the user (a token-less one, named by the user's POST); false when
   * it belongs to another user, who keeps it.
   */
  claim(connectionId: string, userId: string): Promise<boolean>;
  remove(connectionId: string): Promise<void>;
}

export interface ConnectionRegistry {
  add(connectionId: string, userId: string): Promise<void>;
  remove(connectionId: string): Promise<void>;
  subscribe(connectionId: string, jobId: string): Promise<void>;
  /** The user's connections matching the target (all of them when it is empty). */
  targets(userId: string, target: PublishTarget): Promise<string[]>;
}
