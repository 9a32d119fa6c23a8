// `npm run bench:sandbox-profile`: the sandbox side of one print("hello") run alone, at
// concurrency 1 back to back (no HTTP): the pool in this process and behind the sandbox
// host's IPC hop, in the mode SANDBOX_MODE picks (fork by default here). Prints the p50/p90
// wall time, the CPU of this process's whole tree per run (from /proc, including reaped
// children; split by depth in the tree: in-process, 0 = this process (the pool), 2 = the
// fork servers, 3 = the runners they reaped), how often a warm runner was ready when the
// run asked for one, and the load average. PROFILE_RUNS sets the runs per round (default
// 300), PROFILE_ROUNDS the rounds, PROFILE_WHICH=local|remote one of the two, PROFILE_CPU=
// <file> writes a V8 CPU profile of this process over the measured runs. PROFILE_CPUACCT=1
// (root, a cgroup v1 cpuacct hierarchy) also prints the CPU per run of everything this
// process started, from a cpuacct cgroup it moves into first: the tree misses what the
// kernel reaps for no one (a PID namespace's pid 1 killed while its children live: they
// are reaped as it dies and their CPU reaches no parent's).
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg } from "node:os";
import pino from "pino";
import { createSandbox } from "../server/src/execution/sandbox/create-sandbox.js";
import type { Sandbox } from "../server/src/execution/sandbox/sandbox.js";
import { childrenOf, pct, statFields } from "./lib/proc.js";

const HELLO = 'print("hello")';
const RUNS = Number(process.env.PROFILE_RUNS ?? 300);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 3);
const UID_BASE = Number(process.env.PROFILE_UID_BASE ?? 1_063_200);

/**
 * CPU ms of this process's live tree, each with what it has reaped (USER_HZ 100), split
 * by depth: 0 this process, 1 its children (sandbox host, bwrap of the fork servers), and
 * so on; a process's reaped children count at its own depth + 1.
 */
function treeCpuMs(): number[] {
  return treeSum(11, 12, 13, 14, 10);
}

/**
 * Minor page faults of this process's live tree by depth, reaped children included: on a
 * machine whose page faults trap to the hypervisor (a PVM guest: ~15-20 µs each, measured)
 * they are most of a forked runner's CPU — each page of the fork server that a runner (or
 * the fork server itself, after a fork) first writes is copied.
 */
function treeFaults(): number[] {
  return treeSum(7, 7, 8, 8, 1);
}

/** Fields [own a, own b, reaped a, reaped b] of /proc/<pid>/stat summed by depth, × scale. */
function treeSum(a: number, b: number, ra: number, rb: number, scale: number): number[] {
  const byDepth = [0, 0, 0, 0, 0, 0];
  const stack: [number, number][] = [[process.pid, 0]];
  while (stack.length > 0) {
    const [pid, depth] = stack.pop() as [number, number];
    try {
      const f = statFields(pid);
      const d = Math.min(depth, 4);
      const own = a === b ? (f[a] ?? 0) : (f[a] ?? 0) + (f[b] ?? 0);
      const reaped = ra === rb ? (f[ra] ?? 0) : (f[ra] ?? 0) + (f[rb] ?? 0);
      byDepth[d] = (byDepth[d] ?? 0) + own * scale;
      byDepth[d + 1] = (byDepth[d + 1] ?? 0) + reaped * scale;
    } catch {
      // reaped meanwhile: counted in its parent next time
    }
    for (const c of childrenOf(pid)) stack.push([c, depth + 1]);
  }
  return byDepth;
}

const CPUACCT = process.env.PROFILE_CPUACCT
  ? `/sys/fs/cgroup/cpuacct/sandbox-profile-${process.pid}`
  : undefined;
if (CPUACCT) {
  mkdirSync(CPUACCT);
  writeFileSync(`${CPUACCT}/cgroup.procs`, String(process.pid));
  process.on("exit", () => {
    writeFileSync("/sys/fs/cgroup/cpuacct/cgroup.procs", String(process.pid));
    rmdirSync(CPUACCT);
  });
}

/** CPU ms of everything ever in this process's cpuacct cgroup (0 without one). */
function cgroupCpuMs(): number {
  return CPUACCT ? Number(readFileSync(`${CPUACCT}/cpuacct.usage`, "utf8")) / 1e6 : 0;
}

async function measure(sb: Sandbox, label: string) {
  const walls: number[] = [];
  let warmHits = 0;
  for (let i = 0; i < 30; i++)
    await sb.run({ code: HELLO, stdin: "", timeoutMs: 5000, enforcePolicy: true });
  await new Promise((r) => setTimeout(r, 300));
  const profiler = process.env.PROFILE_CPU ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const cpu0 = treeCpuMs();
  const faults0 = treeFaults();
  const group0 = cgroupCpuMs();
  for (let i = 0; i < RUNS; i++) {
    if (sb.stats().warm > 0) warmHits++;
    const t = performance.now();
    const r = await sb.run({ code: HELLO, stdin: "", timeoutMs: 5000, enforcePolicy: true });
    walls.push(performance.now() - t);
    if (!r.success || r.stdout !== "hello\n") throw new Error(JSON.stringify(r));
  }
  await new Promise((r) => setTimeout(r, 500)); // the last runs' teardown and refills
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(process.env.PROFILE_CPU as string, JSON.stringify(profile));
    profiler.disconnect();
  }
  const cpu1 = treeCpuMs();
  const faults = treeFaults().map((x, i) => (x - (faults0[i] ?? 0)) / RUNS);
  const group = (cgroupCpuMs() - group0) / RUNS;
  const parts = cpu1.map((x, i) => (x - (cpu0[i] ?? 0)) / RUNS);
  const cpu = parts.reduce((a, b) => a + b, 0);
  console.log(
    `${label}: p50 ${pct(walls, 50).toFixed(2)} ms, p90 ${pct(walls, 90).toFixed(2)} ms, ` +
      `CPU/run ${cpu.toFixed(2)} ms (whole tree; by depth ${parts.map((x) => x.toFixed(2)).join(" / ")}), ${CPUACCT ? `${group.toFixed(2)} ms (cgroup), ` : ""}warm runner ready ${((100 * warmHits) / RUNS).toFixed(0)}%, ` +
      `minor page faults/run ${faults.reduce((x, y) => x + y, 0).toFixed(0)} (by depth ${faults.map((x) => x.toFixed(0)).join(" / ")}) ` +
      `(load ${loadavg()[0]?.toFixed(2)})`,
  );
  return { p50: pct(walls, 50), cpu };
}

async function main() {
  const base = {
    kind: "bwrap" as const,
    allowProcess: false,
    pythonPath: "/usr/bin/python3",
    poolSize: 0,
    maxConcurrent: 8,
    memoryLimitMb: 256,
    maxOutputBytes: 1 << 20,
    extraAllowedModules: [],
    uidCount: 64,
    mode: (process.env.SANDBOX_MODE as "fork" | "spawn" | undefined) ?? "fork",
    logger: pino({ level: "warn" }),
  };
  const which = process.env.PROFILE_WHICH ?? "both";
  for (let round = 0; round < ROUNDS; round++) {
    if (which !== "remote") {
      const local = await createSandbox({ ...base, uidBase: UID_BASE, inProcess: true });
      await measure(local, `in-process pool (${local.mode})`);
      await local.close();
    }
    if (which !== "local") {
      const remote = await createSandbox({ ...base, uidBase: UID_BASE + 100 });
      // The host reports its stats every 100 ms: `warm` is only roughly right here.
      await measure(remote, `via the sandbox host (${remote.mode})`);
      await remote.close();
    }
  }
}

await main();
