// `npm run bench:execute`: POST /execute against the real server in a child process
// (load and latency measured from this process), with baselines measured in the same run:
// a cold bwrap + python3 spawn, a bare python3 spawn, and a CPU-bound loop outside the
// sandbox. Prints the goals beside each number.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pino from "pino";
import { createSandbox } from "../server/src/execution/sandbox/create-sandbox.js";
import { probeHostPaths } from "../server/src/execution/sandbox/host-paths.js";
import { bwrapLauncher, DEFAULT_LIMITS } from "../server/src/execution/sandbox/launcher.js";
import { signIn, startServer } from "./lib/server-process.js";

const PYTHON = "/usr/bin/python3";
const THROUGHPUT_SECONDS = Number(process.env.BENCH_DURATION ?? 20);
const HELLO = 'print("hello")';
const cores = availableParallelism();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function timeSpawn(command: string, args: string[], uid?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    // detached: its own session, as the sandboxes have (the scheduler's autogroups are
    // per session, so under load the comparison would otherwise favour the sandbox).
    const child = spawn(command, args, { env: {}, stdio: "ignore", uid, gid: uid, detached: true });
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve(performance.now() - t) : reject(new Error(`${command} exit ${code}`)),
    );
  });
}

async function spawnBaselines() {
  const paths = await probeHostPaths(PYTHON);
  const bw = bwrapLauncher({
    paths,
    limits: DEFAULT_LIMITS,
    extraAllowedModules: [],
    preimport: [],
  });
  // The sandbox's exact bwrap command line, running `python3 -c` instead of the runner.
  const cut = bw.args.lastIndexOf("/usr/bin/python3");
  const coldArgs = [...bw.args.slice(0, cut + 1), "-c", HELLO];
  const bare: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < 40; i++) {
    bare.push(await timeSpawn(PYTHON, ["-c", HELLO]));
    cold.push(await timeSpawn(bw.command, coldArgs, 63990));
  }
  return { bare: pct(bare, 50), cold: pct(cold, 50) };
}

/** CPU ms used so far by the server, its sandbox host, and every sandbox the host reaped. */
function treeCpuMs(serverPid: number): { server: number; host: number; sandboxes: number } {
  const fields = (pid: number) =>
    (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []).map(Number);
  const kids = readFileSync(`/proc/${serverPid}/task/${serverPid}/children`, "utf8")
    .split(" ")
    .filter(Boolean)
    .map(Number);
  const s = fields(serverPid);
  const out = { server: ((s[11] ?? 0) + (s[12] ?? 0)) * 10, host: 0, sandboxes: 0 }; // USER_HZ 100
  for (const k of kids) {
    const f = fields(k);
    out.host += ((f[11] ?? 0) + (f[12] ?? 0)) * 10;
    out.sandboxes += ((f[13] ?? 0) + (f[14] ?? 0)) * 10; // reaped children: the sandboxes
  }
  return out;
}

async function cpuLoopBare(code: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    const child = spawn(PYTHON, ["-c", code], { env: {}, detached: true });
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.once("close", () => resolve(Number(/loop_ms=([\d.]+)/.exec(out)?.[1])));
    child.once("error", reject);
  });
}

/** The pool alone (in this process, no HTTP, no IPC): what the server's overhead adds to. */
async function directPool() {
  const sb = await createSandbox({
    kind: "bwrap",
    allowProcess: false,
    pythonPath: PYTHON,
    poolSize: 0,
    maxConcurrent: 8,
    memoryLimitMb: 256,
    maxOutputBytes: 1 << 20,
    extraAllowedModules: [],
    uidBase: 63100,
    uidCount: 64,
    logger: pino({ level: "warn" }),
    inProcess: true,
  });
  const once = async () => {
    const t = performance.now();
    await sb.run({ code: HELLO, stdin: "", timeoutMs: 5000, enforcePolicy: true });
    return performance.now() - t;
  };
  try {
    for (let i = 0; i < 20; i++) await once();
    const xs: number[] = [];
    for (let i = 0; i < 200; i++) {
      xs.push(await once());
      await new Promise((r) => setTimeout(r, 20));
    }
    let n = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() - t0 < 5000) {
          await once();
          n++;
        }
      }),
    );
    return { p50: pct(xs, 50), rps: n / ((performance.now() - t0) / 1000) };
  } finally {
    await sb.close();
  }
}

async function main() {
  console.log("execute-bench: baselines…");
  const base = await spawnBaselines();
  const direct = await directPool();
  const dataDir = mkdtempSync(join(tmpdir(), "cr-exec-bench-"));
  const server = await startServer({
    DATA_DIR: dataDir,
    EXECUTION_RATE_LIMIT_PER_MINUTE: "1000000",
    SANDBOX_UID_BASE: "63000",
    SANDBOX_UID_COUNT: "64",
  });
  try {
    const auth = await signIn(server.url, "exec-bench@example.com");
    const headers = { ...auth, "content-type": "application/json" };
    const execute = async (code: string, timeout = 10) => {
      const t = performance.now();
      const res = await fetch(`${server.url}/execute`, {
        method: "POST",
        headers,
        body: JSON.stringify({ code, timeout_seconds: timeout }),
      });
      const body = (await res.json()) as { success: boolean; execution_time_ms: number };
      if (res.status !== 200 || !body.success)
        throw new Error(`execute failed: ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, body };
    };
    const latencies = async (concurrency: number, perWorker: number, pauseMs = 0) => {
      const xs: number[] = [];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = 0; i < perWorker; i++) {
            xs.push((await execute(HELLO)).ms);
            if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
          }
        }),
      );
      return { p50: pct(xs, 50), p99: pct(xs, 99) };
    };

    for (let i = 0; i < 30; i++) await execute(HELLO); // warm the JIT and the pool
    const c1 = await latencies(1, 300);
    // A person pressing "run" leaves the pool time to refill: 50 ms between requests.
    const paced = await latencies(1, 150, 50);
    const c8 = await latencies(8, 100);

    console.log(`execute-bench: throughput for ${THROUGHPUT_SECONDS} s at concurrency 8…`);
    const load = await autocannon({
      url: `${server.url}/execute`,
      method: "POST",
      headers,
      body: JSON.stringify({ code: HELLO }),
      connections: 8,
      duration: THROUGHPUT_SECONDS,
    });
    const okRate = (load.requests.total - load.non2xx) / THROUGHPUT_SECONDS;

    // ≈1 s of pure-Python loops, timed by the loop itself in both places.
    const loop = (n: number) =>
      `import time\nt = time.perf_counter()\ns = 0\nfor i in range(${n}):\n    s += i * i\n` +
      `print(s, "loop_ms=%.1f" % ((time.perf_counter() - t) * 1000))`;
    const probe = await cpuLoopBare(loop(3_000_000));
    const n = Math.round((3_000_000 * 1000) / probe);
    const bareCpu: number[] = [];
    const boxCpu: number[] = [];
    const boxE2e: number[] = [];
    for (let i = 0; i < 5; i++) {
      bareCpu.push(await cpuLoopBare(loop(n)));
      const r = await execute(loop(n));
      boxCpu.push(r.body.execution_time_ms);
      boxE2e.push(r.ms);
    }

    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = server.rssMb();
    const cpuBefore = treeCpuMs(server.child.pid as number);
    await latencies(8, 125); // 1,000 runs
    await new Promise((r) => setTimeout(r, 500));
    const cpuAfter = treeCpuMs(server.child.pid as number);
    const per = (k: keyof typeof cpuAfter) => (cpuAfter[k] - cpuBefore[k]) / 1000;
    const cpuPerRun = per("server") + per("host") + per("sandboxes");
    const rssAfter = server.rssMb();

    // Minimum of five interleaved runs each: other load on the machine only adds time.
    const bareMs = Math.min(...bareCpu);
    const boxMs = Math.min(...boxCpu);
    console.log('\n## POST /execute (print("hello")), real server in a child process, 2 cores');
    console.log(`baseline bare python3 -c spawn (p50):        ${fmt(base.bare)}`);
    console.log(`baseline cold bwrap + python3 -c spawn (p50): ${fmt(base.cold)}`);
    console.log(
      `concurrency 1: p50 ${fmt(c1.p50)}, p99 ${fmt(c1.p99)}  — goal p50 ≤ 25 ms; ` +
        `${(base.cold / c1.p50).toFixed(1)}× faster than cold bwrap (goal ≥ 3×)`,
    );
    console.log(
      `concurrency 1, 50 ms between requests: p50 ${fmt(paced.p50)}, p99 ${fmt(paced.p99)} ` +
        `(${(base.cold / paced.p50).toFixed(1)}× faster than cold bwrap)`,
    );
    console.log(`concurrency 8: p50 ${fmt(c8.p50)}, p99 ${fmt(c8.p99)}`);
    console.log(
      `the pool alone (in-process Sandbox.run, no HTTP/IPC): p50 ${fmt(direct.p50)} at ` +
        `concurrency 1 (20 ms apart), ${direct.rps.toFixed(1)} runs/s at concurrency 8 (5 s)`,
    );
    console.log(
      `throughput at concurrency 8 for ${THROUGHPUT_SECONDS} s: ${okRate.toFixed(1)} runs/s ` +
        `(${load.non2xx} non-2xx, ${load.errors} errors) — goal ≥ 100 runs/s`,
    );
    console.log(
      `CPU per run: ${fmt(cpuPerRun)} = server ${fmt(per("server"))} + sandbox host ` +
        `${fmt(per("host"))} + bwrap/python ${fmt(per("sandboxes"))} → ` +
        `ceiling ${((cores * 1000) / cpuPerRun).toFixed(0)} runs/s on ${cores} idle cores ` +
        `(load average during the run: ${loadavg()[0]?.toFixed(1)})`,
    );
    console.log(
      `CPU-bound loop (${n.toLocaleString()} iterations): bare python3 ${fmt(bareMs)}, ` +
        `in sandbox ${fmt(boxMs)} (end to end ${fmt(Math.min(...boxE2e))}; best of 5) — ` +
        `ratio ${(boxMs / bareMs).toFixed(3)} (goal ≤ 1.1)`,
    );
    console.log(
      `server RSS: ${rssBefore.toFixed(1)} MiB before, ${rssAfter.toFixed(1)} MiB after 1,000 runs ` +
        `(growth ${(rssAfter - rssBefore).toFixed(1)} MiB — goal < 20 MiB)`,
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
