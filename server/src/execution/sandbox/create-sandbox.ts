// Composition of the executor's adapters from settings: probe the interpreter, pick the
// launcher for the isolation level, start the warm pool and wait for its first runner
// so that a broken host fails at start-up rather than on the first request.
import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import { buildFontCache, fontCacheDir, hasFontCache } from "./font-cache.js";
import { compileSeccompFilter, probeHostPaths } from "./host-paths.js";
import { closeInheritedDescriptors } from "./inherited-fds.js";
import {
  bwrapLauncher,
  DEFAULT_LIMITS,
  type Launcher,
  type LauncherConfig,
  type PolicyProfile,
  processLauncher,
  STANDARD_LIMITS,
  zygoteArgs,
} from "./launcher.js";
import { createMemoryLimit, type MemoryMechanismSetting } from "./memory-limit.js";
import { SandboxPool } from "./pool.js";
import { PooledSandbox } from "./pooled-sandbox.js";
import { tasksOfUid } from "./reaper.js";
import { RemoteSandbox, startHost } from "./remote-sandbox.js";
import { prepareRuntimeCopy } from "./runtime-copy.js";
import type { IsolationLevel, Sandbox, SandboxMode } from "./sandbox.js";
import { UidAllocator } from "./uid-allocator.js";
import { WarmProcess } from "./warm-process.js";
import { ZygoteSet } from "./zygote.js";

export interface SandboxOptions {
  kind: IsolationLevel;
  allowProcess: boolean;
  pythonPath: string;
  /** Warm runners kept ready; 0 = from the number of cores. */
  poolSize: number;
  maxConcurrent: number;
  memoryLimitMb: number;
  maxOutputBytes: number;
  extraAllowedModules: string[];
  /** POLICY_PROFILE: `standard` (default) or `original` (SECURITY.md). */
  policyProfile?: PolicyProfile;
  /** SANDBOX_PREIMPORT: modules each warm runner imports before it says ready. */
  preimport?: string[];
  uidBase: number;
  uidCount: number;
  /**
   * How bwrap runners start: `fork` from warm fork servers (python/zygote.py; needs root
   * and the seccomp filter), `spawn` one bwrap per run, `auto` fork where it works.
   * Default: the SANDBOX_MODE environment variable, else spawn.
   */
  mode?: "auto" | SandboxMode;
  /**
   * How a run's memory (all its processes, shared memory and tmpfs) is bounded
   * (memory-limit.ts): `cgroup` (v2, else v1; fails without a writable one), `watchdog`
   * (seccomp refuses memfd and SysV shared memory; the host sums and kills), `auto` (a
   * cgroup where writable). Default: SANDBOX_MEMORY_MECHANISM, else auto.
   */
  memoryMechanism?: MemoryMechanismSetting;
  logger: Logger;
  /**
   * Where the pool runs. `true`: in this process (a worker, tests). `false` (default): in a
   * sandbox host child process, because spawning a runner forks the calling process and
   * fork costs grow with its heap (~1 ms from 50 MB, ~20 ms from 850 MB, on the event
   * loop). `"when-forking"`: in this process where the fork path runs (root, bwrap, the
   * seccomp filter): runners are then forked by the fork servers, and this process spawns
   * only the fork servers themselves (at start, and to replace one that died), so the host
   * and its IPC hop buy nothing — dropping them measured 0.6-0.9 ms less per POST /execute
   * at concurrency 1 and ~0.5 ms less CPU per run at concurrency 8 (two servers side by
   * side, issue 14; README.md here). Where the fork path is out of reach it is a host, as
   * with `false`.
   */
  inProcess?: boolean | "when-forking";
}

// Modules every warm runner imports before its job: none by default. Each import costs
// every run its CPU (throughput is bound by per-run CPU, and each runner serves one run),
// while the modules a program does use import in well under a millisecond each from
// bytecode caches — except the scientific stack (numpy ~80 ms of CPU, pandas ~300 ms):
// SANDBOX_PREIMPORT=numpy moves that off the run's critical path at that price (see
// `npm run bench:execute` for both costs).

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function autoPoolSize(cores = availableParallelism()): number {
  return Math.min(16, Math.max(2, cores * 2));
}

function checkIsolation(o: SandboxOptions): void {
  if (o.kind === "process" && !o.allowProcess) {
    throw new Error(
      "process isolation runs code without namespaces; enable it explicitly in the settings",
    );
  }
}

/** The bwrap start-up mode asked for: the option, else SANDBOX_MODE, else spawn. */
function wantedMode(o: SandboxOptions): "auto" | SandboxMode {
  return o.mode ?? (process.env.SANDBOX_MODE as SandboxOptions["mode"]) ?? "spawn";
}

/** The Sandbox for the app: the warm pool in a small host process, or in this one. */
export async function createSandbox(o: SandboxOptions): Promise<Sandbox> {
  checkIsolation(o);
  if (o.inProcess === true) return createLocalSandbox(o);
  if (
    o.inProcess === "when-forking" &&
    o.kind === "bwrap" &&
    wantedMode(o) !== "spawn" &&
    process.getuid?.() === 0
  ) {
    // What the sandbox host does first (sandbox-host-main.ts), done here since the fork
    // servers are now this process's children: what our own parent left open without
    // close-on-exec never reaches bwrap or a fork server.
    const inherited = closeInheritedDescriptors();
    if (inherited.length > 0) {
      o.logger.info({ fds: inherited }, "closed descriptors inherited without close-on-exec");
    }
    const local = await createLocalSandbox(o);
    if (local.mode === "fork") return local;
    // The fork path did not come up (auto fell back to spawning a bwrap per run): each
    // spawn would fork this process, so the pool moves to a host after all.
    await local.close();
  }
  const restart = () => startHost(o, o.logger);
  const host = await restart();
  o.logger.info({ isolation: host.isolation }, "sandbox host ready");
  return new RemoteSandbox(host.isolation, host, restart, o.logger);
}

/** The warm pool in this process. */
export async function createLocalSandbox(o: SandboxOptions): Promise<PooledSandbox> {
  checkIsolation(o);
  const cores = availableParallelism();
  const size = o.poolSize > 0 ? o.poolSize : autoPoolSize(cores);
  const maxConcurrent = Math.max(1, o.maxConcurrent);
  const uids = new UidAllocator(o.uidBase, o.uidCount);
  if (o.uidCount < size + maxConcurrent) {
    throw new Error(`uidCount ${o.uidCount} is below poolSize + maxConcurrent`);
  }
  for (const name of [...o.extraAllowedModules, ...(o.preimport ?? [])]) {
    // They travel on the runner's command line, comma-separated.
    if (!MODULE_NAME.test(name)) throw new Error(`invalid module name in allow-list: ${name}`);
  }
  // As root, each sandbox gets its own unprivileged uid (RLIMIT_NPROC then binds per run).
  // A developer's non-root server can only run sandboxes as itself: bwrap still isolates
  // through an unprivileged user namespace, and RLIMIT_NPROC, counted over all of the
  // user's processes, then simply forbids new processes in a run. Without namespaces and
  // without root (the execution worker in Lambda: a non-root user, no user namespaces,
  // one invocation per microVM), a run shares the worker's uid: its process group is then
  // the fence, kept by the seccomp filter (no setsid/setpgid/CLONE_PARENT), and killed
  // whole after every run (docs/security.md says what this does and does not guarantee).
  const asRoot = process.getuid?.() === 0;
  const confineToGroup = !asRoot && o.kind === "process";
  if (!asRoot) o.logger.warn("not running as root: sandboxes run as the server's own uid");
  const paths = await probeHostPaths(o.pythonPath);
  if (confineToGroup && !paths.seccomp) {
    throw new Error(
      "process isolation without root needs python3-seccomp (it keeps a run in its process group)",
    );
  }
  if (!paths.seccomp) o.logger.warn("python3-seccomp not found: running without seccomp filter");
  const memory = createMemoryLimit(
    o.memoryMechanism ??
      (process.env.SANDBOX_MEMORY_MECHANISM as MemoryMechanismSetting | undefined) ??
      "auto",
    o.memoryLimitMb * 1024 * 1024,
    o.logger,
  );
  // The watchdog cannot see memfd or SysV shared memory that no process maps: refused.
  const denySharedMemory = memory.mechanism === "watchdog";
  const seccompBpf =
    o.kind === "bwrap"
      ? await compileSeccompFilter(paths, o.pythonPath, denySharedMemory).catch(async (e) => {
          await memory.close();
          throw e;
        })
      : null;
  // Under bwrap the runner is bound from a neutral copy (no checkout path in mountinfo).
  // Not under `process`: there the run reads the host anyway, and without root it shares
  // the server's uid, which could rewrite a copy in /tmp for later runs.
  const runtime =
    o.kind === "bwrap"
      ? await prepareRuntimeCopy(o.pythonPath).catch(async (e) => {
          await memory.close();
          throw e;
        })
      : undefined;
  // RLIMIT_NPROC counts every task of the uid. A run sharing the worker's uid would count
  // the worker's own threads and its warm runners too: give it its 16 on top of those.
  const policyProfile = o.policyProfile ?? "standard";
  const base = {
    ...DEFAULT_LIMITS,
    ...(policyProfile === "standard" ? STANDARD_LIMITS : {}),
  };
  const maxProcesses = confineToGroup
    ? base.maxProcesses + tasksOfUid(process.getuid?.() ?? 0) + size + maxConcurrent
    : base.maxProcesses;
  const config = {
    paths,
    seccompBpf,
    limits: { ...base, memoryLimitMb: o.memoryLimitMb, maxProcesses },
    extraAllowedModules: o.extraAllowedModules,
    preimport: o.preimport ?? [],
    confineToGroup,
    memoryWatchdog: denySharedMemory,
    policyProfile,
    fontCacheDir: policyProfile === "standard" ? fontCacheDir(paths) : undefined,
    runtime,
  };
  let launcher: Launcher = o.kind === "bwrap" ? bwrapLauncher(config) : processLauncher(config);
  if (config.fontCacheDir && !hasFontCache(config.fontCacheDir)) {
    // Once per host (the directory outlives the process); before the pool, so no run waits.
    const uid = uids.take() as number;
    await buildFontCache(
      config.fontCacheDir,
      () => new WarmProcess(launcher, asRoot ? uid : undefined),
      o.logger,
    ).catch(async (e) => {
      await memory.close();
      throw e;
    });
    uids.release(uid);
  }
  const wanted = wantedMode(o);
  let zygotes: ZygoteSet | undefined;
  if (o.kind === "bwrap" && wanted !== "spawn") {
    const why = !asRoot ? "the server does not run as root" : !seccompBpf ? "no seccomp" : "";
    if (why && wanted === "fork") {
      await memory.close();
      throw new Error(`SANDBOX_MODE=fork is unavailable: ${why}`);
    }
    if (!why) {
      const count = Math.max(1, Math.min(cores, maxConcurrent));
      zygotes = await startZygotes(config, seccompBpf as Buffer, count, o).catch(async (e) => {
        if (wanted === "fork") {
          await memory.close();
          throw e;
        }
        o.logger.warn({ err: e }, "fork servers unavailable: spawning a sandbox per run");
        return undefined;
      });
      if (zygotes) {
        const z = zygotes;
        launcher = { ...launcher, start: (uid, onRunner) => z.fork(uid as number, onRunner) };
      }
    }
  }
  const mode: SandboxMode = zygotes ? "fork" : "spawn";
  const pool = new SandboxPool({
    size,
    maxConcurrent,
    spawnParallel: cores,
    uids,
    spawn: (uid) => new WarmProcess(launcher, asRoot ? uid : undefined, memory.forRun()),
    logger: o.logger,
  });
  const closeAll = async () => {
    await zygotes?.close();
    await memory.close();
  };
  try {
    await pool.start();
  } catch (e) {
    await pool.close();
    await closeAll();
    throw e;
  }
  o.logger.info(
    { isolation: o.kind, mode, memory: memory.mechanism, poolSize: size, maxConcurrent },
    "sandbox pool ready",
  );
  return new PooledSandbox(o.kind, pool, o.maxOutputBytes, closeAll, mode, memory.mechanism);
}

async function startZygotes(
  config: LauncherConfig,
  filter: Buffer,
  count: number,
  o: SandboxOptions,
): Promise<ZygoteSet> {
  // The fork servers run as the uids right above the range: every uid in the range is
  // only ever a run's, so a sweep of the range (or its RLIMIT_NPROC) never meets them.
  const own = Array.from({ length: count }, (_, i) => o.uidBase + o.uidCount + i);
  const set = new ZygoteSet(
    {
      bwrapPath: "/usr/bin/bwrap",
      args: zygoteArgs(config),
      filter,
      uidBase: o.uidBase,
      uidCount: o.uidCount,
      logger: o.logger,
    },
    own,
  );
  try {
    await set.ready();
  } catch (e) {
    await set.close();
    throw e;
  }
  return set;
}
