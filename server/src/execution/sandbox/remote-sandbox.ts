// The server side of the sandbox host: a Sandbox whose pool lives in a small child
// process (see host-protocol.ts for why). Requests are matched to replies by id; if the
// host dies, pending calls fail and the next call starts a new host.
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Logger } from "pino";
import type { SandboxOptions } from "./create-sandbox.js";
import type { HostReply, HostRequest, Stats } from "./host-protocol.js";
import type { LiveInput } from "./live-input.js";
import { cancelledBeforeStart } from "./result-mapper.js";
import type {
  ExecutionResult,
  Figure,
  OutputChunk,
  RunOptions,
  Sandbox,
  SandboxMode,
} from "./sandbox.js";

const here = dirname(fileURLToPath(import.meta.url));

interface Pending {
  resolve: (value: never) => void;
  reject: (e: Error) => void;
  onOutput?: (c: OutputChunk) => void;
  onFigure?: (f: Figure) => void;
  onInputRequest?: (prompt: string) => void;
}

interface Host {
  child: ChildProcess;
  isolation: Sandbox["isolation"];
  mode?: SandboxMode;
  memory?: Sandbox["memory"];
  stats: Stats;
}

/** Node flags for the host: a TypeScript entry needs the tsx loader this server runs on. */
function hostEntry(): { entry: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith(".ts");
  const entry = join(here, `sandbox-host-main.${ts ? "ts" : "js"}`);
  if (!ts) return { entry, execArgv: [] };
  const tsx = createRequire(import.meta.url).resolve("tsx");
  return { entry, execArgv: ["--import", pathToFileURL(tsx).href] };
}

export function startHost(o: SandboxOptions, logger: Logger): Promise<Host> {
  const { logger: _omit, ...options } = o;
  const { entry, execArgv } = hostEntry();
  const child = fork(entry, [JSON.stringify({ ...options, logLevel: logger.level })], {
    execArgv,
    env: {}, // the host needs nothing of the server's environment, nor do its sandboxes
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`sandbox host exited (${code})`));
    child.once("exit", onExit);
    child.once("message", (m: HostReply) => {
      child.off("exit", onExit);
      if (m.t === "ready") {
        resolve({ child, isolation: m.isolation, mode: m.mode, memory: m.memory, stats: m.stats });
      } else {
        child.kill("SIGKILL");
        reject(new Error(m.t === "failed" ? m.message : `unexpected host message ${m.t}`));
      }
    });
  });
}

export class RemoteSandbox implements Sandbox {
  private host: Promise<Host> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lastStats: Stats = { warm: 0, busy: 0, queued: 0 };
  private closing = false;
  readonly mode: SandboxMode | undefined;
  readonly memory: Sandbox["memory"];

  constructor(
    readonly isolation: Sandbox["isolation"],
    first: Host,
    private readonly restart: () => Promise<Host>,
    private readonly logger: Logger,
  ) {
    this.mode = first.mode;
    this.memory = first.memory;
    this.adopt(first);
    this.host = Promise.resolve(first);
    this.lastStats = first.stats;
  }

  private adopt(h: Host): void {
    h.child.on("message", (m: HostReply) => this.onMessage(m));
    h.child.once("exit", (code, signal) => {
      this.host = undefined;
      for (const p of this.pending.values()) p.reject(new Error("sandbox host exited"));
      this.pending.clear();
      if (!this.closing)
        this.logger.error({ code, signal }, "sandbox host exited; restarting on demand");
    });
  }

  private onMessage(m: HostReply): void {
    if (m.t === "stats") {
      this.lastStats = m.stats;
      return;
    }
    if (!("id" in m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.t === "output") {
      p.onOutput?.(m.chunk);
      return;
    }
    if (m.t === "figure") {
      p.onFigure?.(m.figure);
      return;
    }
    if (m.t === "input-request") {
      p.onInputRequest?.(m.prompt);
      return;
    }
    this.pending.delete(m.id);
    if (m.t === "error") p.reject(new Error(m.message));
    else p.resolve((m.t === "result" ? m.result : m.value) as never);
  }

  private async call<T>(
    build: (id: number) => HostRequest,
    live: Pick<Pending, "onOutput" | "onFigure" | "onInputRequest"> = {},
    signal?: AbortSignal,
    input?: LiveInput,
  ): Promise<T> {
    if (this.closing) throw new Error("sandbox pool is closed");
    this.host ??= this.restart().then(
      (h) => {
        this.adopt(h);
        return h;
      },
      (e: Error) => {
        this.host = undefined; // try again on the next call
        throw e;
      },
    );
    const { child } = await this.host;
    const id = this.nextId++;
    const abort = () => child.send({ t: "abort", id } satisfies HostRequest);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...live });
      child.send(build(id));
      input?.attach({
        write: (data) => child.send({ t: "stdin", id, data } satisfies HostRequest),
        end: () => child.send({ t: "stdin-close", id } satisfies HostRequest),
      });
      if (signal?.aborted) abort();
      signal?.addEventListener("abort", abort, { once: true });
    }).finally(() => signal?.removeEventListener("abort", abort));
  }

  async run(opts: RunOptions): Promise<ExecutionResult> {
    // Cancelled already: decided here, so no message to the host can overtake it.
    if (opts.signal?.aborted) return cancelledBeforeStart();
    return this.call<ExecutionResult>(
      (id) => ({
        t: "run",
        id,
        code: opts.code,
        stdin: opts.stdin,
        timeoutMs: opts.timeoutMs,
        enforcePolicy: opts.enforcePolicy,
        stream: opts.onOutput !== undefined,
        liveFigures: opts.onFigure !== undefined,
        interactive: opts.input !== undefined,
      }),
      { onOutput: opts.onOutput, onFigure: opts.onFigure, onInputRequest: opts.onInputRequest },
      opts.signal,
      opts.input,
    );
  }

  runTool(module: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return this.call((id) => ({ t: "tool", id, module, payload, timeoutMs }));
  }

  stats(): Stats {
    return this.lastStats;
  }

  async close(): Promise<void> {
    this.closing = true;
    const host = await this.host?.catch(() => undefined);
    // Ctrl-C in a terminal signals the whole process group: the host may already be gone
    // (exitCode stays null after a signal), and a send on its closed channel would throw.
    if (!host?.child.connected) return;
    await new Promise<void>((resolve) => {
      host.child.once("exit", () => resolve());
      host.child.send({ t: "close" } satisfies HostRequest, (err) => {
        if (err) resolve(); // it went away between the check and the send
      });
    });
  }
}
