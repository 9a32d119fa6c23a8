// The Sandbox port: runs untrusted Python once per call under OS isolation (SECURITY.md).
// Adapters: the bwrap and process launchers behind one warm pool (pooled-sandbox.ts).
import { z } from "zod";
import { type SecurityViolation, securityViolationSchema } from "../../platform/errors.js";

import type { LiveInput } from "./live-input.js";
import type { MemoryMechanism } from "./memory-limit.js";

export type IsolationLevel = "bwrap" | "process";
/** How runners start: forked from a warm fork server, or spawned one bwrap per run. */
export type SandboxMode = "fork" | "spawn";

export interface OutputChunk {
  stream: "stdout" | "stderr";
  data: string;
}

/** An image a run showed (plt.show() or a figure left open at the end), base64. */
export const figureSchema = z
  .object({
    mime_type: z.enum(["image/png", "image/svg+xml"]),
    data: z.string().meta({ description: "The image, base64" }),
  })
  .meta({ id: "Figure" });
export type Figure = z.infer<typeof figureSchema>;

export type SecurityViolationInfo = SecurityViolation;

/** snake_case on purpose: this is API.md's ExecutionResponse (the routes serialise with it). */
export const executionResultSchema = z.object({
  success: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  error: z.string().nullable(),
  error_type: z.string().nullable(),
  execution_time_ms: z.number(),
  timed_out: z.boolean(),
  security_violations: z.array(securityViolationSchema),
  truncated: z.boolean().meta({
    description: "Output or figures were cut at their caps (figures: 20, 3 MiB of base64)",
  }),
  /** In the order they were shown; capped in count and bytes (`truncated` then set). */
  figures: z.array(figureSchema).meta({
    description:
      "Images the program showed (plt.show(), fig.show()) or left open at its end, in order",
  }),
});
export type ExecutionResult = z.infer<typeof executionResultSchema>;

export interface RunOptions {
  code: string;
  stdin: string;
  timeoutMs: number;
  /** Apply the static policy first; a refused program returns its violations unrun. */
  enforcePolicy: boolean;
  /** Live output in batches; also makes the runner line-buffer its output. */
  onOutput?: (c: OutputChunk) => void;
  /** Each figure as it is shown, after the output printed before it. */
  onFigure?: (f: Figure) => void;
  /**
   * An interactive run: `stdin` first, then what is written to `input` while it runs; a
   * read with nothing there waits (the wall-clock timeout keeps running) and is announced
   * through onInputRequest with the prompt input() printed.
   */
  input?: LiveInput;
  onInputRequest?: (prompt: string) => void;
  signal?: AbortSignal;
}

export interface Sandbox {
  /** "none": this process runs no code at all (SANDBOX=none, no-sandbox.ts). */
  readonly isolation: IsolationLevel | "none";
  /** Unset for adapters without a choice (e.g. a stand-in in tests). */
  readonly mode?: SandboxMode;
  /** How a run's total memory is bounded (memory-limit.ts); unset where nothing runs. */
  readonly memory?: MemoryMechanism;
  run(opts: RunOptions): Promise<ExecutionResult>;
  /**
   * Run a trusted Python tool module from server/src/execution/sandbox/python or
   * server/src/analysis/python inside the same isolation (e.g. module `static_analyzer`,
   * function `analyze(code: str) -> dict`). The runner calls the module's `run(payload)`
   * when it defines one, else `analyze(payload.code)` for a `{code}` payload, else
   * `analyze(payload)`. Returns the JSON the tool returns; throws when the tool fails.
   */
  runTool(module: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  stats(): { warm: number; busy: number; queued: number };
  close(): Promise<void>;
}
