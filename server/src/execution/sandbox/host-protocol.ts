// Messages between the server and its sandbox host process (sandbox-host-main.ts). The
// host exists because spawning from a process with a large heap is slow: libuv forks, and
// fork copies the parent's page tables (measured here: ~1 ms per spawn from a 50 MB
// process, ~20 ms from an 850 MB one, blocking the event loop). The host stays small.
import type { ExecutionResult, Figure, OutputChunk, Sandbox, SandboxMode } from "./sandbox.js";

export type HostRequest =
  | {
      t: "run";
      id: number;
      code: string;
      stdin: string;
      timeoutMs: number;
      enforcePolicy: boolean;
      stream: boolean;
      /** Send figures live (`figure` replies) as well as in the result. */
      liveFigures?: boolean;
      /** Input follows as `stdin` / `stdin-close` requests; waits come back as `input-request`. */
      interactive?: boolean;
    }
  | { t: "stdin"; id: number; data: string }
  | { t: "stdin-close"; id: number }
  | { t: "tool"; id: number; module: string; payload: unknown; timeoutMs: number }
  | { t: "abort"; id: number }
  | { t: "close" };

export type Stats = ReturnType<Sandbox["stats"]>;

export type HostReply =
  | {
      t: "ready";
      isolation: Sandbox["isolation"];
      mode?: SandboxMode;
      memory?: Sandbox["memory"];
      stats: Stats;
    }
  | { t: "failed"; message: string }
  | { t: "output"; id: number; chunk: OutputChunk }
  | { t: "figure"; id: number; figure: Figure }
  | { t: "input-request"; id: number; prompt: string }
  | { t: "result"; id: number; result: ExecutionResult }
  | { t: "tool-result"; id: number; value: unknown }
  | { t: "error"; id: number; message: string }
  | { t: "stats"; stats: Stats }
  | { t: "closed" };

/** The IPC side both ends use: a ChildProcess in the server, `process` in the host. */
export interface Channel<In, Out> {
  send(message: Out): unknown;
  on(event: "message", listener: (message: In) => void): unknown;
}
