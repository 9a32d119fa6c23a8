// Starts the real server as a child process (so load comes from another process) and
// samples its memory from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import WebSocket from "ws";
import { freePort } from "../../server/test/helpers/net.js";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resident set size now, in MiB. */
  rssMb(): number;
  /** Peak resident set size since start (VmHWM), in MiB. */
  peakRssMb(): number;
  /** Only with `inspect`: runs a full garbage collection in the server (through its V8
   * inspector, nothing of the product's own), then returns its V8 heap in use, in MiB. */
  heapAfterGcMb(): Promise<number>;
  stop(): Promise<void>;
}

function procStatus(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : Number.NaN;
}

/** Starts `script` (relative to `cwd`): TypeScript through tsx, a built `.js` as
 * `npm start` runs it. */
export async function startServer(
  env: Record<string, string>,
  script = "server/src/main.ts",
  cwd = process.cwd(),
  { inspect = false }: { inspect?: boolean } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const inspectPort = inspect ? await freePort() : 0;
  // Run node directly (with tsx as a loader for TypeScript) so the pid we measure is the
  // server itself.
  const args = [
    ...(inspect ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
    ...(script.endsWith(".ts") ? ["--import", "tsx", script] : [script]),
  ];
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      SERVE_WEB: "false",
      // Benches sign many users up from one address.
      LOGIN_RATE_LIMIT_PER_ACCOUNT: "0",
      LOGIN_RATE_LIMIT_PER_CLIENT: "0",
      SIGNUP_RATE_LIMIT_PER_CLIENT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The server's log lines, read as it writes them (it pays for writing them, as in
  // production): warnings and worse are shown, the per-run audit lines (written at any
  // LOG_LEVEL) are not — thousands of them would bury the report.
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on(
    "line",
    (line) => {
      if (line.includes('"audit":"execution"')) return;
      process.stdout.write(`${line}\n`);
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("server did not start in 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid as number;
  return {
    url,
    child,
    rssMb: () => procStatus(pid, "VmRSS"),
    peakRssMb: () => procStatus(pid, "VmHWM"),
    heapAfterGcMb: () => heapAfterGc(inspectPort),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** One inspector session: HeapProfiler.collectGarbage, then the heap in use (Chrome
 * DevTools Protocol over the inspector's WebSocket, as a debugger would). */
async function heapAfterGc(inspectPort: number): Promise<number> {
  if (!inspectPort) throw new Error("the server was started without inspect");
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(target?.webSocketDebuggerUrl as string);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let nextId = 1;
  const call = (method: string, params = {}) =>
    new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
      const id = nextId++;
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(String(data)) as { id?: number };
        if (m.id !== id) return;
        ws.off("message", onMessage);
        resolve(m as never);
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call("HeapProfiler.collectGarbage");
    const r = await call("Runtime.evaluate", { expression: "process.memoryUsage().heapUsed" });
    return Number(r.result?.result?.value) / 2 ** 20;
  } finally {
    ws.close();
  }
}

/** Registers and logs in a user; returns the bearer header. */
export async function signIn(url: string, email: string): Promise<Record<string, string>> {
  const creds = { email, password: "benchmark-password" };
  const json = { "content-type": "application/json" };
  await fetch(`${url}/auth/register`, {
    method: "POST",
    headers: json,
    body: JSON.stringify(creds),
  });
  const res = await fetch(`${url}/auth/login`, {
    method: "POST",
    headers: json,
    body: JSON.stringify(creds),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return { authorization: `Bearer ${access_token}` };
}
