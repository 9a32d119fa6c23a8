// The Sandbox of a process that runs no code (SANDBOX=none): an API or WebSocket process,
// or Lambda, whose runs go to the execution tier through the job queue. Nothing is started;
// anything that would run Python here says so with a 503 instead of starting a pool.
import { UnavailableError } from "../../platform/errors.js";
import type { ExecutionResult, Sandbox } from "./sandbox.js";

const WHY = "This server runs no code itself (SANDBOX=none)";

export class NoSandbox implements Sandbox {
  readonly isolation = "none" as const;

  async run(): Promise<ExecutionResult> {
    throw new UnavailableError(`${WHY}; runs go to the execution workers`);
  }

  async runTool(module: string): Promise<unknown> {
    throw new UnavailableError(`${WHY}: ${module} is not available here`);
  }

  stats() {
    return { warm: 0, busy: 0, queued: 0 };
  }

  async close(): Promise<void> {}
}
