// The realtime connection to /ws: learns its connection_id from a pong, keeps itself alive
// with pings, and reconnects with exponential backoff (with jitter) whenever it drops.

import type { ServerMessage } from "./types";

export type SocketState = "connecting" | "open" | "closed";

export function backoffDelay(
  attempt: number,
  baseMs = 500,
  maxMs = 15_000,
  rand = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exp / 2 + (rand() * exp) / 2);
}

export function socketUrl(loc: Pick<Location, "protocol" | "host">, token: string): string {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}/ws?token=${encodeURIComponent(token)}`;
}

type Listener<T> = (value: T) => void;

export interface SocketOptions {
  url: string;
  WebSocketImpl?: typeof WebSocket;
  keepAliveMs?: number;
}

export class RealtimeSocket {
  state: SocketState = "closed";
  connectionId: string | null = null;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private readonly messageListeners = new Set<Listener<ServerMessage>>();
  private readonly stateListeners = new Set<Listener<SocketState>>();
  private readonly WS: typeof WebSocket;

  constructor(private readonly opts: SocketOptions) {
    this.WS = opts.WebSocketImpl ?? WebSocket;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearKeepAlive();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    this.setState("closed");
  }

  /** Ready means open with a connection id, which /execute/async needs. */
  get ready(): boolean {
    return this.state === "open" && this.connectionId !== null;
  }

  send(msg: object): boolean {
    if (!this.ws || this.ws.readyState !== this.WS.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  subscribe(jobId: string): boolean {
    return this.send({ action: "subscribe", job_id: jobId });
  }

  onMessage(fn: Listener<ServerMessage>): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  onState(fn: Listener<SocketState>): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** Wait (briefly) until the socket has a connection id; null if it doesn't come. */
  whenReady(timeoutMs: number): Promise<string | null> {
    if (this.ready) return Promise.resolve(this.connectionId);
    if (this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (v: string | null) => {
        clearTimeout(timer);
        off();
        resolve(v);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      const off = this.onState(() => {
        if (this.ready) done(this.connectionId);
      });
    });
  }

  private open(): void {
    this.setState("connecting");
    let ws: WebSocket;
    try {
      ws = new this.WS(this.opts.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      ws.send(JSON.stringify({ action: "ping" }));
      this.clearKeepAlive();
      this.keepAlive = setInterval(
        () => this.send({ action: "ping" }),
        this.opts.keepAliveMs ?? 25_000,
      );
    };
    ws.onmessage = (ev: MessageEvent) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg && msg.type === "pong" && typeof msg.connection_id === "string") {
        const first = this.connectionId === null || this.state !== "open";
        this.connectionId = msg.connection_id;
        if (first) this.setState("open");
      }
      for (const fn of this.messageListeners) fn(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.connectionId = null;
      this.clearKeepAlive();
      this.setState("closed");
      this.scheduleRetry();
    };
    ws.onerror = () => {
      /* onclose follows and schedules the retry */
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private clearKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }

  private setState(s: SocketState): void {
    if (this.state === s && s !== "open") return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }
}
