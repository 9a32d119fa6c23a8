// Shared set-up for the executor tests: a real sandbox on a uid range of its own (test
// files run in parallel, and the kernel counts processes per uid), host-side probes.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
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
os = B.__import__("os")
`;

/** A local HTTP server standing in for /health: answers at once unless the loop is stuck. */
export async function startHealthServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${addr.port}/health` };
}

/** Runs `work` while probing `url` every 100 ms; returns its result and the slowest probe. */
export async function whileProbing<T>(url: string, work: () => Promise<T>) {
  let worst = 0;
  let done = false;
  const probes = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.text();
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return { result: await work(), worstProbeMs: worst };
  } finally {
    done = true;
    await probes;
  }
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
