// The local WebSocket hub: the connections open on this process, by id and by user, with
// their job subscriptions. It is the Notifier of the embedded mode and the delivery end
// of the cross-process adapters. It never buffers without bound: a socket whose send
// buffer passes `maxBufferedBytes` is closed (the client reconnects and polls the result).
import { randomUUID } from "node:crypto";
import {
  CLOSE_ACCOUNT_GONE,
  disconnectMessage,
  type Notifier,
  type PublishTarget,
  type ServerMessage,
} from "./notifier.js";

/** The part of a `ws` WebSocket the hub uses (an interface, so tests can use fakes). */
export interface HubSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

const OPEN = 1;
/** Results remembered per connection to send each job's result at most once. */
const RESULT_MEMORY = 1000;
const MAX_SUBSCRIPTIONS = 100;

export interface Connection {
  readonly id: string;
  /** null until a token-less connection is bound to a user (see bind). */
  userId: string | null;
  /** Who opened it (the peer address), for the caps on token-less connections. */
  readonly client: string;
  readonly socket: HubSocket;
  readonly subscriptions: Set<string>;
  readonly resultsSent: Set<string>;
  alive: boolean;
}

export interface WsHubOptions {
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

export class WsHub implements Notifier {
  private readonly byId = new Map<string, Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Token-less connections not bound yet, counted per client. */
  private readonly unboundByClient = new Map<string, number>();
  private unbound = 0;
  private readonly maxBufferedBytes: number;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(opts: WsHubOptions = {}) {
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
    // A connection that did not answer the previous ping is dead (a vanished laptop never
    // sends a FIN): terminate it so it stops holding memory and subscriptions.
    this.heartbeat = setInterval(() => this.sweep(), opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.byId.size;
  }

  connectionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Token-less connections not bound yet: in all, and from one client. */
  unboundCount(client?: string): number {
    return client === undefined ? this.unbound : (this.unboundByClient.get(client) ?? 0);
  }

  /** A connection of the user, or with `null` a token-less one that receives nothing until
   * it is bound. */
  add(userId: string | null, socket: HubSocket, client = ""): Connection {
    const conn: Connection = {
      id: randomUUID(),
      userId: null,
      client,
      socket,
      subscriptions: new Set(),
      resultsSent: new Set(),
      alive: true,
    };
    this.byId.set(conn.id, conn);
    if (userId === null) {
      this.unbound += 1;
      this.unboundByClient.set(client, this.unboundCount(client) + 1);
    } else {
      this.attach(conn, userId);
    }
    return conn;
  }

  /**
   * Binds a token-less connection to the user for good; true when it is (now) the user's.
   * Only server code binds, after the database agreed (ConnectionBindings.claim).
   */
  bind(conn: Connection, userId: string): boolean {
    if (conn.userId !== null) return conn.userId === userId;
    if (!this.byId.has(conn.id)) return false;
    this.forgetUnbound(conn);
    this.attach(conn, userId);
    return true;
  }

  remove(conn: Connection): void {
    if (!this.byId.delete(conn.id)) return;
    if (conn.userId === null) {
      this.forgetUnbound(conn);
      return;
    }
    const set = this.byUser.get(conn.userId);
    set?.delete(conn);
    if (set?.size === 0) this.byUser.delete(conn.userId);
  }

  private attach(conn: Connection, userId: string): void {
    conn.userId = userId;
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(conn);
  }

  private forgetUnbound(conn: Connection): void {
    this.unbound -= 1;
    const left = this.unboundCount(conn.client) - 1;
    if (left > 0) this.unboundByClient.set(conn.client, left);
    else this.unboundByClient.delete(conn.client);
  }

  /** Returns false when the connection already follows too many jobs. */
  subscribe(conn: Connection, jobId: string): boolean {
    if (!conn.subscriptions.has(jobId) && conn.subscriptions.size >= MAX_SUBSCRIPTIONS)
      return false;
    conn.subscriptions.add(jobId);
    return true;
  }

  unsubscribe(conn: Connection, jobId: string): void {
    conn.subscriptions.delete(jobId);
  }

  async publish(userId: string, message: ServerMessage, target?: PublishTarget): Promise<void> {
    this.deliver(userId, message, target);
  }

  async disconnect(userId: string, reason: string): Promise<void> {
    this.end(userId, reason);
  }

  /** Ends the user's connections on this process (Notifier.disconnect); returns how many. */
  end(userId: string, reason: string): number {
    const conns = this.byUser.get(userId);
    if (!conns) return 0;
    const data = JSON.stringify(disconnectMessage(reason));
    let count = 0;
    for (const conn of [...conns]) {
      this.remove(conn);
      if (conn.socket.readyState === OPEN) conn.socket.send(data);
      conn.socket.close(CLOSE_ACCOUNT_GONE, reason);
      // A peer that never completes the closing handshake is cut off.
      setTimeout(() => conn.socket.terminate(), 5000).unref();
      count += 1;
    }
    return count;
  }

  /** Synchronous delivery to this process's matching connections; returns how many got it. */
  deliver(userId: string, message: ServerMessage, target: PublishTarget = {}): number {
    // A message for a token-less connection the user's request named: publishers only name
    // connections the database bound to that user, so this process binds its socket too.
    if (target.connectionId !== undefined) {
      const named = this.byId.get(target.connectionId);
      if (named && named.userId === null) this.bind(named, userId);
    }
    const conns = this.byUser.get(userId);
    if (!conns) return 0;
    const everyone = target.connectionId === undefined && target.jobId === undefined;
    let data: string | undefined;
    let count = 0;
    for (const conn of conns) {
      const matches =
        everyone ||
        conn.id === target.connectionId ||
        (target.jobId !== undefined && conn.subscriptions.has(target.jobId));
      if (!matches) continue;
      data ??= JSON.stringify(message);
      if (this.sendTo(conn, message, data)) count += 1;
    }
    return count;
  }

  /** Sends to one connection, enforcing one execution_result per job and the buffer bound. */
  sendTo(conn: Connection, message: ServerMessage, data = JSON.stringify(message)): boolean {
    if (conn.socket.readyState !== OPEN) return false;
    if (message.type === "execution_result" && typeof message.job_id === "string") {
      if (conn.resultsSent.has(message.job_id)) return false;
      if (conn.resultsSent.size >= RESULT_MEMORY) conn.resultsSent.clear();
      conn.resultsSent.add(message.job_id);
    }
    if (conn.socket.bufferedAmount + data.length > this.maxBufferedBytes) {
      // A slow consumer: dropping a chunk in the middle would corrupt its output, so the
      // connection goes instead; 1013 = "try again later".
      this.remove(conn);
      conn.socket.close(1013, "Client too slow");
      setTimeout(() => conn.socket.terminate(), 5000).unref();
      return false;
    }
    conn.socket.send(data);
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const conn of [...this.byId.values()]) {
      this.remove(conn);
      conn.socket.close(1001, "Server shutting down");
    }
  }

  private sweep(): void {
    for (const conn of [...this.byId.values()]) {
      if (!conn.alive) {
        this.remove(conn);
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.socket.ping();
      } catch {
        // A socket failing to ping is dead too; the next sweep removes it.
      }
    }
  }
}
