// The Sandbox adapter shared by both isolation levels: a warm pool of one-use runners
// whose launcher decides the isolation (bwrap or bare process).

import type { MemoryMechanism } from "./memory-limit.js";
import type { SandboxPool } from "./pool.js";
import { encodeRunJob, encodeToolJob, toolResultSchema } from "./protocol.js";
import { cancelledBeforeStart, toExecutionResult } from "./result-mapper.js";
import type {
  ExecutionResult,
  IsolationLevel,
  RunOptions,
  Sandbox,
  SandboxMode,
} from "./sandbox.js";

export class PooledSandbox implements Sandbox {
  constructor(
    readonly isolation: IsolationLevel,
    private readonly pool: SandboxPool,
    private readonly maxOutputBytes: number,
    private readonly onClose: () => void | Promise<void> = () => {},
    readonly mode: SandboxMode = "spawn",
    readonly memory?: MemoryMechanism,
  ) {}

  async run(opts: RunOptions): Promise<ExecutionResult> {
    if (opts.signal?.aborted) return cancelledBeforeStart(); // no runner spent on it
    const job = encodeRunJob({
      ...opts,
      stream: opts.onOutput !== undefined,
      interactive: opts.input !== undefined,
    });
    const proc = await this.pool.acquire();
    try {
      const raw = await proc.execute(job, {
        timeoutMs: opts.timeoutMs,
        maxOutputBytes: this.maxOutputBytes,
        onOutput: opts.onOutput,
        onFigure: opts.onFigure,
        onInputRequest: opts.onInputRequest,
        input: opts.input,
        signal: opts.signal,
      });
      return toExecutionResult(raw, opts.timeoutMs);
    } finally {
      this.pool.release(proc);
    }
  }

  async runTool(module: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const job = encodeToolJob(module, payload, timeoutMs);
    const proc = await this.pool.acquire();
    try {
      const raw = await proc.execute(job, { timeoutMs, maxOutputBytes: 64 * 1024 });
      if (raw.timedOut) throw new Error(`tool ${module} timed out after ${timeoutMs} ms`);
      const parsed = toolResultSchema.safeParse(raw.message);
      if (!parsed.success) throw new Error(`tool ${module} crashed: ${raw.stderr.slice(-500)}`);
      if (!parsed.data.ok) throw new Error(`tool ${module} failed: ${parsed.data.error}`);
      return parsed.data.value;
    } finally {
      this.pool.release(proc);
    }
  }

  stats() {
    return this.pool.stats();
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.onClose();
  }
}
