// Shared set-up for the executor tests: a real sandbox on a uid range of its own (test
// files run in parallel, and the kernel counts processes per uid), host-side probes.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pino from "pino";
import {
  createSandbox,
  type SandboxOptions,
} from "../../../src/execution/sandbox/create-sandbox.js";
import { pidsOfUids } from "../../../src/execution/sandbox/reaper.js";
import type { ExecutionResult, Sandbox } from "../../../src/execution/sandbox/sandbox.js";

export const silentLogger = pino({ level: "silent" });

export function sandboxOptions(uidBase: number, over: Partial<SandboxOptions> = {}) {
  return {
    kind: "bwrap",
    allowProcess: false,
    pythonPath: "/usr/bin/python3",
    poolSize: 2,
    maxConcurrent: 4,
    memoryLimitMb: 256,
    maxOutputBytes: 1 << 20,
    extraAllowedModules: [],
    uidBase,
    uidCount: 32,
    logger: silentLogger,
    // In this process, so coverage sees the pool; remote.test.ts covers the host process.
    inProcess: true,
    ...over,
  } satisfies SandboxOptions;
}

export function makeSandbox(uidBase: number, over: Partial<SandboxOptions> = {}) {
  return createSandbox(sandboxOptions(uidBase, over));
}

export function run(sb: Sandbox, code: string, o: { stdin?: string; timeoutMs?: number } = {}) {
  return sb.run({
    code,
    stdin: o.stdin ?? "",
    timeoutMs: o.timeoutMs ?? 5000,
    enforcePolicy: true,
  });
}

/** Runs with the static policy off: what the OS layer alone must hold against. */
export function runUnchecked(sb: Sandbox, code: string, timeoutMs = 5000) {
  return sb.run({ code, stdin: "", timeoutMs, enforcePolicy: false });
}

/**
 * Python preamble that escapes every Python-level restriction (restricted builtins and
 * import) through the class graph and binds the real `B` (builtins) and `os`.
 */
export const ESCAPE = `
def _real_builtins():
    for c in ().__class__.__base__.__subclasses__():
        if c.__name__ == "BuiltinImporter":
            return c.load_module("builtins")
B = _real_builtins()
# Under the standard profile the real builtins' __import__ is the runtime guard (it refuses
# socket to the program); its module globals hold the import it wraps.
B.__import__ = getattr(B.__import__, "__globals__", {}).get("_real_import", B.__import__)
os = B.__import__("os")
`;

/** A local HTTP server standing in for /health: answers at once unless the loop is stuck. */
export async function startHealthServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${addr.port}/health` };
}

/** Runs `work` while probing `url` every 100 ms. Returns its result, how many probes
 * answered "ok", and the longest single stall of this process's event loop over the work
 * (perf_hooks.monitorEventLoopDelay, the largest delay it saw). A server that does an
 * attack's work on its own loop in one piece (blocking on it, spinning) stalls for the
 * attack's length; one that stays responsive stalls only for ordinary callbacks and GC.
 * (The share of time the loop was busy, tried before, is not a fit: over a short run that
 * the sandbox ends in a fraction of a second, the process's own result handling and coverage
 * instrumentation made it 0.63 in one CI run with nothing wrong.) A probe that fails or does
 * not answer "ok" rejects the whole call; one that never answers is left to the test
 * timeout. */
export async function whileProbing<T>(url: string, work: () => Promise<T>) {
  let answered = 0;
  let done = false;
  const probes = (async () => {
    while (!done) {
      const res = await fetch(url);
      const body = await res.text();
      if (body !== "ok") throw new Error(`health probe answered ${res.status} ${body}`);
      answered++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let result: T;
  try {
    result = await work();
  } catch (err) {
    done = true;
    await probes.catch(() => {});
    throw err;
  } finally {
    delay.disable();
  }
  done = true;
  await probes; // the last probe answers too: at least one always has
  return { result, longestStallMs: delay.max / 1e6, probesAnswered: answered };
}

/** A TCP listener on 127.0.0.1 that counts every connection it ever sees. */
export async function startTcpCanary() {
  let connections = 0;
  const server = createTcpServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export function processesOfUids(base: number, count: number): number[] {
  return pidsOfUids(base, count);
}

/** Pids whose command line contains `marker`. */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) found.push(+entry);
    } catch {
      // gone
    }
  }
  return found;
}

export function lines(r: ExecutionResult): string[] {
  return r.stdout.trim().split("\n");
}

/**
 * Programs that end themselves by a signal, each with the start of the `error` the run
 * reports: under python3 each dies of it (the kernel drops a signal with the default action
 * sent to a PID namespace's pid 1 from inside it, so these ran on, or abort() read as a
 * segfault, while the runner was pid 1). Each prints "buffered" first: lost, as under
 * python3, since the process dies with it still in its buffer.
 */
export const SELF_SIGNALS: readonly { code: string; error: string }[] = [
  { code: "signal.alarm(1)\ntime.sleep(5)", error: "an alarm without a handler (SIGALRM" },
  { code: "os.kill(os.getpid(), signal.SIGKILL)", error: "SIGKILL" },
  { code: "os.kill(os.getpid(), signal.SIGTERM)", error: "SIGTERM" },
  { code: "os.kill(os.getpid(), signal.SIGUSR1)", error: "a user signal (SIGUSR1)" },
  { code: "signal.raise_signal(signal.SIGUSR2)", error: "a user signal (SIGUSR2)" },
  { code: "os.abort()", error: "an abort (SIGABRT)" },
].map(({ code, error }) => ({
  code: `import os, signal, time\nprint("buffered")\n${code}\nprint("ran on", flush=True)`,
  error: `The program was terminated by ${error}`,
}));
