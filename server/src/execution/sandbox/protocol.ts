// Host side of the runner protocol (python/wire.py). fd 0 carries one job: an ASCII
// header line whose last field is the body length, then the body. fd 3 carries JSON
// lines: {"ready"} once warm, then one result. After an escape user code can write to
// fd 3 too, so results are validated and capped: a forgery can only lie about its own run.
import { z } from "zod";

export const MAX_CONTROL_BYTES = 1 << 20;

export function encodeRunJob(o: {
  code: string;
  stdin: string;
  timeoutMs: number;
  enforcePolicy: boolean;
  stream: boolean;
}): Buffer {
  const code = Buffer.from(o.code, "utf8");
  const stdin = Buffer.from(o.stdin, "utf8");
  const flags = `${o.enforcePolicy ? 1 : 0} ${o.stream ? 1 : 0}`;
  const header = `run ${Math.ceil(o.timeoutMs)} ${flags} ${code.length} ${code.length + stdin.length}\n`;
  return Buffer.concat([Buffer.from(header, "ascii"), code, stdin]);
}

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function encodeToolJob(module: string, payload: unknown, timeoutMs: number): Buffer {
  if (!MODULE_NAME.test(module)) throw new Error(`invalid tool module name: ${module}`);
  const body = Buffer.from(JSON.stringify(payload ?? null), "utf8");
  const header = `tool ${module} ${Math.ceil(timeoutMs)} ${body.length}\n`;
  return Buffer.concat([Buffer.from(header, "ascii"), body]);
}

export const readySchema = z.object({ ready: z.literal(true), seccomp: z.boolean() });

const violationSchema = z.object({
  type: z.string().max(64),
  line: z.number().int().min(0),
  column: z.number().int().min(0),
  message: z.string().max(1000),
});

export const runResultSchema = z.union([
  z.object({ violations: z.array(violationSchema).min(1).max(100) }),
  z.object({
    success: z.boolean(),
    error: z.string().max(10_000).nullable(),
    error_type: z.string().max(200).nullable(),
    execution_time_ms: z.number().min(0),
    /** What the runner wrote to fd 1 and 2: once read, the run is complete. */
    stdout_bytes: z.number().int().min(0).optional(),
    stderr_bytes: z.number().int().min(0).optional(),
  }),
]);
export type RunResultMessage = z.infer<typeof runResultSchema>;

export const toolResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** Splits fd-3 bytes into parsed JSON lines, refusing more than MAX_CONTROL_BYTES. */
export class ControlReader {
  private pending = "";
  private total = 0;
  readonly messages: unknown[] = [];
  overflow = false;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > MAX_CONTROL_BYTES) {
      this.overflow = true;
      return;
    }
    this.pending += chunk.toString("utf8");
    let nl = this.pending.indexOf("\n");
    while (nl >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.messages.push(parseLine(line));
      nl = this.pending.indexOf("\n");
    }
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
