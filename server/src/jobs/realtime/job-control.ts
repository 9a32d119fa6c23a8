// Commands from a job's owner to its running program (cancel, stdin, stdin_close), carried
// to whichever process runs the job. The reverse direction of the Notifier: the API
// process (or the WebSocket Lambda) that received the command sends it; the worker running
// the job attached a handler for it before claiming the job, so nothing sent once the job
// is `running` in the database can fall between the claim and the run.
//
// Local: the handler is in this process (the embedded mode). Postgres: every process that
// runs jobs LISTENs on one channel; a command for a job not attached here is a pg_notify
// (fragmented under the 8000-byte payload limit, as the notifier does). That covers every
// shape that shares a PostgreSQL database — separate `npm run worker` processes and the
// worker Lambda beside the WebSocket Lambda alike — with no broker beyond the database.
// Ownership is checked by the sender (the job service); the channel itself is reachable
// only with database credentials.
import type pg from "pg";
import type { Logger } from "pino";
import { FragmentAssembler, toFragments } from "./notify-fragments.js";
import { listenOn, type PgListener } from "./pg-listen.js";

export type JobCommand =
  | { action: "cancel" }
  | { action: "stdin"; data: string }
  | { action: "stdin_close" };

export type CommandHandler = (command: JobCommand) => void;

export interface JobControl {
  /** Worker side: receive the job's commands until the returned function is called. */
  attach(jobId: string, handler: CommandHandler): () => void;
  /** Sender side: deliver to the process running the job; dropped if none does. */
  send(jobId: string, command: JobCommand): Promise<void>;
  close(): Promise<void>;
}

export const CONTROL_CHANNEL = "code_remote_job_control";

export class LocalJobControl implements JobControl {
  protected readonly handlers = new Map<string, CommandHandler>();

  attach(jobId: string, handler: CommandHandler): () => void {
    this.handlers.set(jobId, handler);
    return () => {
      if (this.handlers.get(jobId) === handler) this.handlers.delete(jobId);
    };
  }

  /** True when the job runs in this process and got the command. */
  protected deliver(jobId: string, command: JobCommand): boolean {
    const handler = this.handlers.get(jobId);
    if (!handler) return false;
    handler(command);
    return true;
  }

  async send(jobId: string, command: JobCommand): Promise<void> {
    this.deliver(jobId, command);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

interface ControlEnvelope {
  j: string;
  c: JobCommand;
}

export class PostgresJobControl extends LocalJobControl {
  private readonly assembler = new FragmentAssembler();
  /** Sends run one after another, so a job's stdin arrives in the order it was typed. */
  private tail: Promise<void> = Promise.resolve();
  private listener: PgListener | undefined;
  private closed = false;

  constructor(
    private readonly opts: {
      pool: pg.Pool;
      logger: Pick<Logger, "warn">;
      /** Only processes that run jobs listen; the others only send. */
      listen: boolean;
      channel?: string;
    },
  ) {
    super();
  }

  private get channel(): string {
    return this.opts.channel ?? CONTROL_CHANNEL;
  }

  async start(): Promise<void> {
    if (this.opts.listen) await this.listen();
  }

  override async send(jobId: string, command: JobCommand): Promise<void> {
    const run = async () => {
      if (this.deliver(jobId, command)) return;
      const envelope: ControlEnvelope = { j: jobId, c: command };
      for (const payload of toFragments(JSON.stringify(envelope))) {
        await this.opts.pool.query("SELECT pg_notify($1, $2)", [this.channel, payload]);
      }
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => {});
    return next;
  }

  private async listen(): Promise<void> {
    const listener = await listenOn(this.opts.pool, this.channel, {
      onPayload: (payload) => this.onPayload(payload),
      onLost: (err) => {
        this.opts.logger.warn({ err }, "job control listener lost its connection; reconnecting");
        if (this.listener === listener) this.listener = undefined;
        if (!this.closed) {
          setTimeout(() => {
            if (!this.closed) this.listen().catch(() => {});
          }, 1000).unref();
        }
      },
    });
    if (this.closed) {
      await listener.close();
      return;
    }
    this.listener = listener;
  }

  private onPayload(payload: string): void {
    const text = this.assembler.add(payload);
    if (text === undefined) return;
    try {
      const e = JSON.parse(text) as ControlEnvelope;
      if (typeof e.j === "string" && typeof e.c?.action === "string") this.deliver(e.j, e.c);
    } catch {
      // Not ours, or cut short: nothing to deliver.
    }
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
    await super.close();
  }
}

export async function createJobControl(deps: {
  pool: pg.Pool | undefined;
  listen: boolean;
  logger: Pick<Logger, "warn">;
}): Promise<JobControl> {
  if (!deps.pool) return new LocalJobControl(); // PGlite: one process holds everything
  const control = new PostgresJobControl({
    pool: deps.pool,
    logger: deps.logger,
    listen: deps.listen,
  });
  await control.start();
  return control;
}
