// How a warm runner process is started: under bubblewrap (the default boundary) or as a
// bare process (hosts that already isolate each invocation, e.g. a Lambda microVM).
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { ANALYZER_TOOLS_DIR, type HostPaths, RUNNER_DIR } from "./host-paths.js";
import type { RuntimeDirs } from "./runtime-copy.js";
import type { IsolationLevel } from "./sandbox.js";

export interface Limits {
  memoryLimitMb: number;
  /** RLIMIT_NPROC for the run's host uid: counts bwrap's own two processes too. */
  maxProcesses: number;
  maxFileBytes: number;
  maxOpenFiles: number;
  /** Hard RLIMIT_CPU; each job lowers the soft limit to its own timeout. */
  maxCpuSeconds: number;
  tmpfsBytes: number;
  /**
   * Address space allowed beyond memoryLimitMb (RLIMIT_AS counts reservations that are
   * never touched): 0 under `original`, STANDARD_LIMITS' under `standard`.
   */
  addressReserveMb?: number;
  /** Size of a /dev/shm tmpfs (POSIX semaphores for multiprocessing); 0 = none. */
  shmBytes?: number;
}

export const DEFAULT_LIMITS: Limits = {
  memoryLimitMb: 256,
  maxProcesses: 16,
  maxFileBytes: 16 << 20,
  maxOpenFiles: 64,
  maxCpuSeconds: 40,
  tmpfsBytes: 32 << 20,
};

/**
 * What the `standard` profile changes: the bundled libraries reserve address space they
 * never touch (OpenBLAS a 128 MB buffer at its first call, pandas + scipy + matplotlib
 * ~250 MB of shared-library mappings), ordinary threaded code and a multiprocessing pool
 * need more than 16 tasks (RLIMIT_NPROC counts threads), and multiprocessing's locks are
 * POSIX semaphores in /dev/shm.
 */
export const STANDARD_LIMITS: Partial<Limits> = {
  addressReserveMb: 384,
  maxProcesses: 64,
  shmBytes: 8 << 20,
};

export interface Launcher {
  readonly isolation: IsolationLevel;
  /**
   * Starts a runner some other way than spawning `command` (the fork server, zygote.ts):
   * the child stands in for a spawned process, and kill() signals its whole namespace.
   * `onRunner` gets the runner's host pid (undefined: not found) before any job can reach it.
   */
  readonly start?: (
    uid: number | undefined,
    onRunner: (pid: number | undefined) => void,
  ) => ChildProcess;
  readonly command: string;
  readonly args: readonly string[];
  /**
   * A compiled seccomp filter (BPF) written to the child through a pipe on fd 4 (bwrap
   * --seccomp 4): held in memory, never in a file a killed server would leave behind.
   */
  readonly seccompFilter?: Buffer;
  /** The child's whole environment (bwrap clears it and sets its own with --setenv). */
  readonly env?: Record<string, string>;
}

/**
 * glibc reserves 64 MB of address space per malloc arena, one per thread up to 8 × cores:
 * under RLIMIT_AS a program could otherwise start only ~14 threads. Read by glibc at
 * start, so it is set for the interpreter's exec (standard profile).
 */
const STANDARD_ENV = { MALLOC_ARENA_MAX: "2" };

function childEnv(c: LauncherConfig): Record<string, string> {
  return c.policyProfile === "standard" ? STANDARD_ENV : {};
}

export interface LauncherConfig {
  paths: HostPaths;
  /** From compileSeccompFilter; bwrap then installs it and the runner loads none. */
  seccompBpf?: Buffer | null;
  limits: Limits;
  extraAllowedModules: string[];
  preimport: string[];
  /**
   * The process level without a uid per run (a worker not run as root): the runner's
   * seccomp filter also keeps everything the run starts in its process group (no setsid,
   * setpgid or CLONE_PARENT), the group being the only handle on it. Needs python3-seccomp.
   */
  confineToGroup?: boolean;
  /**
   * The memory watchdog bounds runs (no memory cgroup, memory-limit.ts): the runner's own
   * seccomp filter (process isolation) also refuses memfd_create and SysV shared memory,
   * which the watchdog cannot see (under bwrap the host-compiled filter carries the same
   * rules), and the runner waits after its result so the host measures what it ends with.
   */
  memoryWatchdog?: boolean;
  /** The static policy profile (POLICY_PROFILE) the runner applies. */
  policyProfile: PolicyProfile;
  /** Host directory with matplotlib's prebuilt font list, bound read-only (standard). */
  fontCacheDir?: string;
  /**
   * Where bwrap binds /opt/runner and /opt/analyzer from: the content-addressed copy
   * (runtime-copy.ts), so no path of the checkout shows in a sandbox's mountinfo. Without
   * it, the checkout's own directories.
   */
  runtime?: RuntimeDirs;
}

export type PolicyProfile = "standard" | "original";

const SANDBOX_RUNNER_DIR = "/opt/runner";
const SANDBOX_ANALYZER_DIR = "/opt/analyzer";
const SANDBOX_SECCOMP_DIR = "/opt/seccomp";
const SANDBOX_FONT_CACHE_DIR = "/opt/mplcache";

function runnerArgs(
  c: LauncherConfig,
  dirs: { runner: string; tools: string[]; seccomp: string; workdir: string; mplcache: string },
) {
  return [
    "-I", // no environment, no user site, no script dir on sys.path
    "-S", // no site: ~5 ms less start-up per sandbox
    "-B",
    `${dirs.runner}/runner.py`,
    `profile=${c.policyProfile}`,
    `workdir=${dirs.workdir}`,
    `mplcache=${dirs.mplcache}`,
    `sitepath=${c.paths.sitepath.join(":")}`,
    `allowed=${c.extraAllowedModules.join(",")}`,
    `preimport=${c.preimport.join(",")}`,
    `tools=${dirs.tools.join(":")}`,
    `seccomp=${dirs.seccomp}`,
    `as=${(c.limits.memoryLimitMb + (c.limits.addressReserveMb ?? 0)) * 1024 * 1024}`,
    `nproc=${c.limits.maxProcesses}`,
    `fsize=${c.limits.maxFileBytes}`,
    `nofile=${c.limits.maxOpenFiles}`,
    `cpu=${c.limits.maxCpuSeconds}`,
    `maindepth=${c.paths.mainDepth ?? 0}`,
    ...(c.confineToGroup ? ["pgroup=1"] : []),
    ...(c.memoryWatchdog ? ["memwatch=1"] : []),
  ];
}

/**
 * The file system every sandbox sees: read-only binds of the interpreter, its stdlib and
 * libraries, the runner and analyser dirs. `ownDirs` makes the directories bwrap creates
 * for them world-readable (bwrap makes them 0700, owned by the uid it runs as): needed
 * when runs have other uids than the process that built the tree (the fork server).
 */
function fileSystem(c: LauncherConfig, ownDirs: boolean) {
  const p = c.paths;
  const binds: string[] = [];
  if (ownDirs) {
    // Every parent of a bind target below: "/usr/lib/python3.11" needs /usr and /usr/lib.
    const targets = [
      "/usr/bin/python3",
      p.stdlib,
      ...p.libdirs,
      ...p.extra,
      ...p.alternatives.map(([, inside]) => inside),
      "/opt/x",
      "/dev/x",
      ...(p.localtime ? ["/etc/localtime"] : []),
    ];
    const parents = new Set<string>();
    for (const t of targets) {
      for (let d = dirname(t); d !== "/"; d = dirname(d)) parents.add(d);
    }
    for (const t of targets) parents.delete(t);
    for (const dir of [...parents].sort()) binds.push("--perms", "0755", "--dir", dir);
  }
  binds.push("--ro-bind", p.executable, "/usr/bin/python3", "--ro-bind", p.stdlib, p.stdlib);
  for (const dir of p.libdirs) binds.push("--ro-bind", dir, dir);
  // Merged-/usr layout: the dynamic loader is looked up as /lib64/ld-linux-*.so.
  binds.push("--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64");
  // The bundled packages, their data and time zones, each at its own path; BLAS and
  // LAPACK, which the host selects through /etc/alternatives, as files where the loader
  // looks after the dangling links (/usr/lib).
  for (const path of p.extra) binds.push("--ro-bind", path, path);
  for (const [real, inside] of p.alternatives) binds.push("--ro-bind", real, inside);
  if (p.localtime) binds.push("--symlink", p.localtime, "/etc/localtime");
  if (c.fontCacheDir) binds.push("--ro-bind", c.fontCacheDir, SANDBOX_FONT_CACHE_DIR);
  const runtime = c.runtime ?? {
    runner: RUNNER_DIR,
    ...(existsSync(ANALYZER_TOOLS_DIR) ? { analyzer: ANALYZER_TOOLS_DIR } : {}),
  };
  binds.push("--ro-bind", runtime.runner, SANDBOX_RUNNER_DIR);
  const tools = [SANDBOX_RUNNER_DIR];
  if (runtime.analyzer) {
    binds.push("--ro-bind", runtime.analyzer, SANDBOX_ANALYZER_DIR);
    tools.push(SANDBOX_ANALYZER_DIR);
  }
  return { binds, tools };
}

/** Three device nodes, the /tmp tmpfs, hostname and a read-only root (after the binds). */
function finishFileSystem(tmpfsBytes: number, shmBytes = 0) {
  return [
    "--proc",
    "/proc",
    // Three device nodes rather than --dev's tmpfs, six nodes, devpts and links: the
    // runner needs only these, and each mount is paid on every run (~1 ms together).
    ...["null", "zero", "urandom"].flatMap((d) => ["--dev-bind", `/dev/${d}`, `/dev/${d}`]),
    // The links a system's /dev has (no mounts): open("/dev/stdout", "w") and /dev/fd/0
    // reach the process's own streams, as at home.
    ...["stdin", "stdout", "stderr"].flatMap((d, fd) => [
      "--symlink",
      `/proc/self/fd/${fd}`,
      `/dev/${d}`,
    ]),
    ...["--symlink", "/proc/self/fd", "/dev/fd"],
    ...(shmBytes ? ["--size", String(shmBytes), "--tmpfs", "/dev/shm"] : []),
    "--size",
    String(tmpfsBytes),
    "--tmpfs",
    "/tmp",
    "--chdir",
    "/tmp",
    "--hostname",
    "sandbox",
    // bwrap's root is a tmpfs with no size limit: without this, writing under a mount
    // point's parent (e.g. /usr/lib) would fill host memory. /tmp stays its own tmpfs.
    "--remount-ro",
    "/",
  ];
}

export function bwrapLauncher(c: LauncherConfig, bwrapPath = "/usr/bin/bwrap"): Launcher {
  const p = c.paths;
  const { binds, tools } = fileSystem(c, false);
  let seccomp = "";
  if (c.seccompBpf) {
    binds.push("--seccomp", "4");
  } else if (p.seccomp) {
    // The runner loads the filter itself: only the extension file, not dist-packages.
    binds.push("--ro-bind", p.seccomp, `${SANDBOX_SECCOMP_DIR}/${basename(p.seccomp)}`);
    seccomp = SANDBOX_SECCOMP_DIR;
  }
  const args = [
    "--unshare-all", // user, pid, net, ipc, uts, cgroup namespaces
    "--unshare-user",
    "--disable-userns", // no nested user namespaces even if seccomp is missing
    "--die-with-parent",
    // The Python that bwrap starts is the namespace's pid 1, reaped by the outer bwrap.
    // bwrap's own init would report the exit through an eventfd, after which the outer
    // bwrap exits without reaping it: a zombie per run for the host's init (or no one) to
    // collect. It forks the runner (pid 2, so that the program's own signals act on it)
    // and stays as the run's init, passing on the runner's status (sandbox_runner.py
    // become_init); as pid 1 its exit also kills anything user code left in the namespace.
    "--as-pid-1",
    "--new-session", // no TIOCSTI into a controlling terminal
    "--clearenv",
    ...Object.entries(childEnv(c)).flatMap(([k, v]) => ["--setenv", k, v]),
    "--cap-drop",
    "ALL",
    ...binds,
    ...finishFileSystem(c.limits.tmpfsBytes, c.limits.shmBytes),
    "/usr/bin/python3",
    ...runnerArgs(c, {
      runner: SANDBOX_RUNNER_DIR,
      tools,
      seccomp,
      workdir: "/tmp",
      mplcache: c.fontCacheDir ? SANDBOX_FONT_CACHE_DIR : "",
    }),
  ];
  return {
    isolation: "bwrap",
    command: bwrapPath,
    args,
    ...(c.seccompBpf ? { seccompFilter: c.seccompBpf } : {}),
  };
}

export function processLauncher(c: LauncherConfig): Launcher {
  const tools = [RUNNER_DIR];
  if (existsSync(ANALYZER_TOOLS_DIR)) tools.push(ANALYZER_TOOLS_DIR);
  const seccomp = c.paths.seccomp ? dirname(c.paths.seccomp) : "";
  return {
    isolation: "process",
    command: c.paths.executable,
    env: childEnv(c),
    // No private /tmp without namespaces: the program gets no file of its own there.
    args: runnerArgs(c, {
      runner: RUNNER_DIR,
      tools,
      seccomp,
      workdir: "",
      mplcache: c.fontCacheDir ?? "",
    }),
  };
}

/**
 * The fork server's command line (python/zygote.py): the same file system, in a user
 * namespace the host completes — bwrap waits on fd 5 while the host writes a uid map
 * covering the whole sandbox uid range (fd 6 tells it the pid) — so that, holding every
 * capability there, the zygote's children can make their own namespaces and take each
 * run's uid. The zygote reads the seccomp filter from fd 4 and installs it in each child.
 */
export function zygoteArgs(c: LauncherConfig): string[] {
  const { binds, tools } = fileSystem(c, true);
  // Each run gets its own /tmp (the program's workdir) and, under the standard profile, its
  // own /dev/shm, mounted by the zygote's child over the mount points made here.
  const runner = runnerArgs(c, {
    runner: SANDBOX_RUNNER_DIR,
    tools,
    seccomp: "",
    workdir: "/tmp",
    mplcache: c.fontCacheDir ? SANDBOX_FONT_CACHE_DIR : "",
  });
  runner[3] = `${SANDBOX_RUNNER_DIR}/zygote.py`;
  return [
    "--unshare-user",
    "--userns-block-fd",
    "5",
    "--info-fd",
    "6",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup",
    "--die-with-parent",
    "--as-pid-1", // the zygote is its namespace's pid 1: when it ends, every run ends
    "--new-session",
    "--clearenv",
    ...Object.entries(childEnv(c)).flatMap(([k, v]) => ["--setenv", k, v]),
    "--cap-add",
    "ALL",
    ...binds,
    // Each run mounts its own /tmp and /dev/shm; these only make the mount points (and
    // hold the zygote's working directory).
    ...finishFileSystem(64 * 1024, c.limits.shmBytes ? 4096 : 0),
    "/usr/bin/python3",
    ...runner,
    `tmpfs=${c.limits.tmpfsBytes}`,
    `shm=${c.limits.shmBytes ?? 0}`,
  ];
}
