// Host side of the runner protocol (python/wire.py). fd 0 carries one job: an ASCII
// header line whose last field is the body length, then the body. fd 3 carries JSON
// lines: {"ready"} once warm, then for a run job the policy verdict (violations, or
// {"verdict":"ok"} before user code starts) and after "ok" one result; a tool job sends
// its result right after ready. After an escape user code can write to fd 3 too, so
// results are validated and capped: a forgery can only lie about its own run, and never
// turn it into a refusal (the verdict came before any user code).
import { z } from "zod";

/** Caps on a run's figures (python/figures.py applies the same; the host re-checks). */
export const MAX_FIGURES = 20;
/** Base64 characters over all figures of one run. */
export const MAX_FIGURE_BYTES = 3 << 20;
/** The exit status of a runner that failed on its own (sandbox_runner.py entry(),
 * zygote.py child_main): any other status without a result is the program's os._exit(n). */
export const RUNNER_FAILED_EXIT = 70;
/** Results and input requests fit in 1 MB; figures come on top. */
export const MAX_CONTROL_BYTES = (1 << 20) + MAX_FIGURE_BYTES + (64 << 10);

export function encodeRunJob(o: {
  code: string;
  stdin: string;
  timeoutMs: number;
  enforcePolicy: boolean;
  stream: boolean;
  /** fd 0 stays open after the job: the rest is the program's input, sent as it comes. */
  interactive?: boolean;
}): Buffer {
  const code = Buffer.from(o.code, "utf8");
  const stdin = Buffer.from(o.stdin, "utf8");
  const flags = `${o.enforcePolicy ? 1 : 0} ${o.stream ? 1 : 0}`;
  const interactive = o.interactive ? " 1" : "";
  const header = `run ${Math.ceil(o.timeoutMs)} ${flags} ${code.length}${interactive} ${code.length + stdin.length}\n`;
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

/**
 * The policy verdict of a run job: the runner sends it after ready and before any user
 * code runs. Only here is a refusal (violations) believed: the code never ran.
 */
export const verdictSchema = z.union([
  z.object({ violations: z.array(violationSchema).min(1).max(100) }),
  z.object({ verdict: z.literal("ok") }),
]);

/**
 * The one message after an "ok" verdict: how the run ended. User code was running when it
 * was written (it may be forged: it can only lie about its own run), so it never carries
 * violations; anything else there is an invalid result of a run that happened.
 */
export const runResultSchema = z.object({
  success: z.boolean(),
  error: z.string().max(10_000).nullable(),
  error_type: z.string().max(200).nullable(),
  execution_time_ms: z.number().min(0),
  /** What the runner wrote to fd 1 and 2: once read, the run is complete. */
  stdout_bytes: z.number().int().min(0).optional(),
  stderr_bytes: z.number().int().min(0).optional(),
});
export type RunResultMessage = z.infer<typeof runResultSchema>;

/**
 * Live events of a run, sent while it runs (lines with an `event` field, kept apart from
 * the ready/verdict/result sequence). Each is stamped with the bytes of output written
 * before it, so the host can deliver it in order with that output.
 */
const stamp = {
  stdout_bytes: z.number().int().min(0),
  stderr_bytes: z.number().int().min(0),
};
export const runEventSchema = z.discriminatedUnion("event", [
  z.object({
    event: z.literal("figure"),
    mime_type: z.enum(["image/png", "image/svg+xml"]),
    data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
    ...stamp,
  }),
  z.object({ event: z.literal("figures_truncated"), ...stamp }),
  /** An interactive run waits for input: fd 0 is empty and the program reads it. */
  z.object({ event: z.literal("input"), prompt: z.string().max(1000), ...stamp }),
]);
export type RunEvent = z.infer<typeof runEventSchema>;

export const toolResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/**
 * Splits fd-3 bytes into parsed JSON lines, refusing more than MAX_CONTROL_BYTES. Lines
 * with an `event` field (runEventSchema, unvalidated here) go to `events`; every other
 * line to `messages`, so events never shift the ready/verdict/result positions.
 */
export class ControlReader {
  private pending: Buffer[] = [];
  private total = 0;
  readonly messages: unknown[] = [];
  readonly events: unknown[] = [];
  overflow = false;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > MAX_CONTROL_BYTES) {
      this.overflow = true;
      return;
    }
    // Search only the new chunk: a figure line spans many chunks.
    let rest = chunk;
    let nl = rest.indexOf(10);
    while (nl >= 0) {
      this.pending.push(rest.subarray(0, nl));
      const line = parseLine(Buffer.concat(this.pending).toString("utf8"));
      this.pending = [];
      const isEvent =
        typeof line === "object" && line !== null && "event" in line && !Array.isArray(line);
      (isEvent ? this.events : this.messages).push(line);
      rest = rest.subarray(nl + 1);
      nl = rest.indexOf(10);
    }
    if (rest.length > 0) this.pending.push(rest);
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
