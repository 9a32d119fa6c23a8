// Child processes for the scale-out tests: real `main.ts` API servers and `worker.ts`
// workers, started through tsx like `npm start` / `npm run worker`, each in its own
// process group so a test can SIGKILL one with everything it started.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./ws-client.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");

export class Service {
  output = "";
  exited = false;
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d) => {
      this.output += d.toString();
    });
    child.stderr?.on("data", (d) => {
      this.output += d.toString();
    });
    child.on("exit", () => {
      this.exited = true;
    });
  }

  /**
   * `inherit` hands the process open descriptors as a shell or supervisor would: each
   * host fd appears at the given number in the child, without close-on-exec.
   */
  static start(
    script: "main" | "worker",
    env: Record<string, string>,
    inherit: Record<number, number> = {},
  ): Service {
    const stdio: ("ignore" | "pipe" | number)[] = ["ignore", "pipe", "pipe"];
    for (const [at, fd] of Object.entries(inherit)) {
      while (stdio.length < Number(at)) stdio.push("ignore");
      stdio[Number(at)] = fd;
    }
    const child = spawn(process.execPath, ["--import", "tsx", `server/src/${script}.ts`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
      detached: true,
      stdio,
    });
    return new Service(child);
  }

  async waitForOutput(re: RegExp, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!re.test(this.output)) {
      if (this.exited) throw new Error(`process exited:\n${this.output.slice(-3000)}`);
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${re}:\n${this.output.slice(-3000)}`);
      await sleep(100);
    }
  }

  async waitForHttp(base: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`process exited:\n${this.output.slice(-3000)}`);
      try {
        const res = await fetch(`${base}/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until)
        throw new Error(`no /health at ${base}:\n${this.output.slice(-3000)}`);
      await sleep(200);
    }
  }

  /** Signals the whole process group (tsx, node, the sandboxes it spawned). */
  kill(signal: NodeJS.Signals): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    this.kill("SIGKILL");
  }
}
