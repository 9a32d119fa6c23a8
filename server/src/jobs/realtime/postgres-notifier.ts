// Cross-process fan-out over Postgres LISTEN/NOTIFY. Chosen over Redis pub/sub because
// PostgreSQL is already required the moment there is more than one process (PGlite cannot
// be shared), so fan-out adds no new server, client library or credentials to run; its
// throughput (thousands of small notifications a second) is far above what live output of
// rate-limited runs needs. Every process LISTENs on one channel and hands each message to
// its own WsHub, which keeps only the user's matching connections: a worker or API process
// A publishes, the process holding the socket delivers.
import type pg from "pg";
import type { Logger } from "pino";
import {
  disconnectMessage,
  type Envelope,
  type Notifier,
  type PublishTarget,
  type ServerMessage,
} from "./notifier.js";
import { FragmentAssembler, toFragments } from "./notify-fragments.js";
import { listenOn, type PgListener } from "./pg-listen.js";
import type { WsHub } from "./ws-hub.js";

export const NOTIFY_CHANNEL = "code_remote_realtime";
const RECONNECT_MS = 1000;

export interface PostgresNotifierOptions {
  pool: pg.Pool;
  /** The local hub to deliver to; a process without sockets (a worker) only publishes. */
  hub?: WsHub;
  logger: Pick<Logger, "warn" | "error">;
  channel?: string;
}

export class PostgresNotifier implements Notifier {
  private readonly channel: string;
  private readonly assembler = new FragmentAssembler();
  /** Publishes run one after another: autocommitted NOTIFYs arrive in commit order. */
  private tail: Promise<void> = Promise.resolve();
  private listener: PgListener | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: PostgresNotifierOptions) {
    this.channel = opts.channel ?? NOTIFY_CHANNEL;
  }

  /** Starts listening (when there is a hub); resolves once LISTEN is in place. */
  async start(): Promise<void> {
    if (this.opts.hub) await this.listen();
  }

  publish(userId: string, message: ServerMessage, target: PublishTarget = {}): Promise<void> {
    return this.notify({ u: userId, c: target.connectionId, j: target.jobId, m: message });
  }

  /** This process's hub ends the user's connections at once, every other's on the
   * notification (this one's own copy of it then finds none left). */
  disconnect(userId: string, reason: string): Promise<void> {
    this.opts.hub?.end(userId, reason);
    return this.notify({ u: userId, m: disconnectMessage(reason), d: 1 });
  }

  private notify(envelope: Envelope): Promise<void> {
    const fragments = toFragments(JSON.stringify(envelope));
    const run = async () => {
      for (const payload of fragments) {
        await this.opts.pool.query("SELECT pg_notify($1, $2)", [this.channel, payload]);
      }
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.tail;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }

  private async listen(): Promise<void> {
    const listener = await listenOn(this.opts.pool, this.channel, {
      onPayload: (payload) => this.onPayload(payload),
      onLost: (err) => {
        this.opts.logger.warn({ err }, "realtime listener lost its connection; reconnecting");
        if (this.listener === listener) this.listener = undefined;
        this.scheduleReconnect();
      },
    });
    if (this.closed) {
      await listener.close();
      return;
    }
    this.listener = listener;
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.listen().catch((err: unknown) => {
        this.opts.logger.warn({ err }, "realtime listener reconnect failed");
        this.scheduleReconnect();
      });
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  private onPayload(payload: string): void {
    const text = this.assembler.add(payload);
    if (text === undefined) return;
    try {
      const e = JSON.parse(text) as Envelope;
      if (typeof e.u !== "string" || typeof e.m?.type !== "string") return;
      if (e.d === 1) {
        this.opts.hub?.end(e.u, typeof e.m.message === "string" ? e.m.message : "");
        return;
      }
      this.opts.hub?.deliver(e.u, e.m, { connectionId: e.c, jobId: e.j });
    } catch (err) {
      this.opts.logger.warn({ err }, "ignored a malformed realtime notification");
    }
  }
}
