// A run's memory, summed over everything it holds: all its processes, memfd and SysV/POSIX
// shared memory, its /tmp and /dev/shm (SECURITY.md, "Known ways around naive limits").
// RLIMIT_AS bounds each process's mappings only; this bounds the run.
//
// - cgroup (v2 `memory.max`, else v1 `memory.limit_in_bytes`): one memory cgroup per live
//   runner under a per-sandbox parent in the server's own cgroup, reused by a later runner
//   once every process of its run is gone (see CgroupLimit). The runner joins it
//   before its job is written, everything it starts inherits it, and the kernel charges
//   every page the run touches there — anonymous memory, page tables, tmpfs, memfd and
//   SysV pages (shared memory is charged to whoever first touches it) — with swap off.
//   Over the limit the kernel's OOM killer ends a process of the run; the host sees the
//   `oom_kill` counter move, kills the rest and answers MemoryError.
// - watchdog (no writable memory cgroup, or SANDBOX_MEMORY_MECHANISM=watchdog): seccomp
//   refuses what a Python program does not need and the host cannot see (memfd_create,
//   SysV shmget/shmat/msgget, TCP sockets; the compiled filter gets these rules), and the host sums
//   the run's proportional anonymous + shared memory (smaps_rollup Pss_Anon + Pss_Shmem of
//   every process in the run's PID namespace) plus what its /tmp and /dev/shm tmpfs hold,
//   every WATCHDOG_INTERVAL_MS, and kills the run over the limit.
//
// Either way, the same tick counts the sockets of the run's own network namespace
// (`sockets: used` of its /proc/<pid>/net/sockstat, which counts every socket of that
// namespace: open, passed in flight, or a closed client's connection still waiting in a
// listener's backlog) and kills the run past maxSockets. Unix socket queues are kernel
// memory no process maps: the watchdog cannot see them, and a cgroup charges them only
// where the kernel accounts socket buffers to it (v1 does here; a kernel booted with
// cgroup.memory=nokmem would not). Each socket's queue is bounded by the host's default
// buffer sizes (a run may not raise them: the seccomp filter), so the count bounds the bytes.
// TCP is apart (the kernel grows a connection's buffers to MiBs by itself): a v1 cgroup
// gets a TCP limit of the same 64 MiB (v2 charges TCP to memory.max), and the watchdog's
// filter refuses TCP sockets.
//
// Hand-written: no maintained Node library manages cgroup v1 and v2 files; it is a few
// file writes.
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { readFile, statfs } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";

export type MemoryMechanism = "cgroup-v2" | "cgroup-v1" | "watchdog";
/** SANDBOX_MEMORY_MECHANISM: auto = a cgroup where writable, else the watchdog. */
export type MemoryMechanismSetting = "auto" | "cgroup" | "watchdog";

/** How often a running run is checked (OOM counter, or the watchdog's sum). */
export const WATCHDOG_INTERVAL_MS = 20;
const PARENT_PREFIX = "code-remote-";
const RMDIR_ATTEMPTS = 50;
const RMDIR_RETRY_MS = 20;
/**
 * An ended run's cgroup is reused only while what stays charged to it (page cache the run
 * read in, kernel objects that outlive it) is at most this share of the limit; past it the
 * cgroup is removed, as every one was before reuse, so a run never starts near its limit.
 */
const REUSE_MAX_CHARGED = 1 / 8;

/** Kernel socket buffers a run may hold besides its limit: maxSockets is derived from it. */
export const SOCKET_BUFFER_BUDGET_BYTES = 64 << 20;
/** net.core.wmem_default / rmem_default when they cannot be read (Linux's usual default). */
const DEFAULT_SOCKET_BUFFER_BYTES = 212_992;

/**
 * How many sockets a run may have so that their queued data stays within `budgetBytes`.
 * A unix socket's queued data is charged to its sender, a UDP one's to its receiver; each
 * may take more while less than its buffer (the host's default; raising it is refused) is
 * queued, so one write can pass the buffer by at most one buffer more: 2 buffers a socket.
 */
export function socketLimitFor(bufferBytes: number, budgetBytes: number): number {
  return Math.max(1, Math.floor(budgetBytes / (2 * bufferBytes)));
}

/** The larger of the host's default send and receive buffers (every socket starts so). */
export function hostSocketBufferBytes(): number {
  const read = (name: string) => {
    try {
      const n = Number(readFileSync(`/proc/sys/net/core/${name}`, "utf8").trim());
      return n > 0 ? n : DEFAULT_SOCKET_BUFFER_BYTES;
    } catch {
      return DEFAULT_SOCKET_BUFFER_BYTES;
    }
  };
  return Math.max(read("wmem_default"), read("rmem_default"));
}

/** `sockets: used N` of a network namespace's sockstat: every socket in it. */
export function socketsInUse(sockstat: string): number {
  return Number(/^sockets: used (\d+)/m.exec(sockstat)?.[1] ?? 0);
}

function socketsOf(sockstatPath: string | undefined): number {
  if (sockstatPath === undefined) return 0;
  try {
    return socketsInUse(readFileSync(sockstatPath, "utf8"));
  } catch {
    return 0; // the run is gone
  }
}

/** Where a run is, for its checks. */
export interface RunPlace {
  /** Its processes and tmpfs (the watchdog reads them); undefined once it is gone. */
  view(): RunView | undefined;
  /** The sockstat of its own network namespace; undefined without one (SANDBOX=process). */
  sockstat(): string | undefined;
}

/** Which bound a run went over. */
export type OverLimit =
  | { kind: "memory"; limitBytes: number }
  | { kind: "sockets"; maxSockets: number; budgetBytes: number };

/** The per-run side: one instance per runner process tree. */
export interface RunMemory {
  readonly limitBytes: number;
  /** Sockets the run may have at once (socketLimitFor). */
  readonly maxSockets: number;
  /**
   * Puts a process of the run under the limit. Wait for it before the run's job is written
   * (its later children inherit the cgroup). Rejects when the process exists and cannot
   * join. Asynchronous: moving a task between cgroups can wait for an RCU grace period —
   * measured in the sandbox host, 15 ms median on a loaded 2-core machine — which must not
   * block the event loop every other run is served from.
   */
  join(pid: number): Promise<void>;
  /**
   * Watches the run until the returned stop() is called: calls onExceeded (once) when the
   * run went over its limit or its socket count. `place` says where the run is now (the
   * watchdog reads its processes and tmpfs; every mechanism counts its sockets).
   */
  watch(place: RunPlace, onExceeded: () => void): () => void;
  /**
   * The run's result has come: a last look at what it holds while its processes still
   * hold it (sockets, and the watchdog's sum, so a program ending with more than it may
   * hold fails even between two ticks; a cgroup's memory needs nothing).
   */
  settle(place: RunPlace): void;
  /** Which bound the run went over, if any (checked now: an OOM kill may be very recent). */
  exceeded(): OverLimit | undefined;
  /** Every process of the run is gone: remove its cgroup (its tmpfs pages are gone too). */
  release(): void;
}

export interface MemoryLimit {
  readonly mechanism: MemoryMechanism;
  readonly limitBytes: number;
  readonly maxSockets: number;
  forRun(): RunMemory;
  /** Waits until every run's cgroup is removed, then removes the parent. */
  close(): Promise<void>;
}

/** The message a run over its limit ends with (error_type MemoryError). */
export function memoryErrorMessage(limitBytes: number): string {
  const mib = Math.round(limitBytes / (1 << 20));
  return `Memory limit exceeded: the run held more than ${mib} MiB (all its processes, shared memory and /tmp together) and was stopped`;
}

/** The message a run over its socket count ends with (error_type MemoryError too). */
export function socketErrorMessage(maxSockets: number, budgetBytes: number): string {
  const mib = Math.round(budgetBytes / (1 << 20));
  return `Memory limit exceeded: the run had more than ${maxSockets} sockets at once (socket buffers are kernel memory: at most ${mib} MiB together) and was stopped`;
}

/** The message for whichever bound a run went over. */
export function overLimitMessage(over: OverLimit): string {
  return over.kind === "memory"
    ? memoryErrorMessage(over.limitBytes)
    : socketErrorMessage(over.maxSockets, over.budgetBytes);
}

/**
 * The socket side of a run, shared by every mechanism: counted in the same tick as its
 * memory, and once more when its result comes.
 */
class SocketBound {
  private over = false;
  constructor(
    readonly maxSockets: number,
    private readonly budgetBytes: number,
  ) {}
  /** Counts now; true once the run has had more than maxSockets. */
  check(place: RunPlace): boolean {
    if (!this.over && socketsOf(place.sockstat()) > this.maxSockets) this.over = true;
    return this.over;
  }
  exceeded(): OverLimit | undefined {
    return this.over
      ? { kind: "sockets", maxSockets: this.maxSockets, budgetBytes: this.budgetBytes }
      : undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Detection

interface SocketSettings {
  maxSockets: number;
  budgetBytes: number;
}

interface CgroupFlavour {
  version: 1 | 2;
  /** The server's own cgroup directory in the memory hierarchy. */
  own: string;
}

/** The server's own memory cgroup directories (v2, v1) where mounted. */
function findOwnCgroups(): { v2?: string; v1?: string } {
  try {
    return ownCgroupDirs(
      readFileSync("/proc/self/cgroup", "utf8"),
      readFileSync("/proc/self/mountinfo", "utf8"),
    );
  } catch {
    return {};
  }
}

/**
 * Where a process's cgroups are, from its /proc/<pid>/cgroup and /proc/<pid>/mountinfo:
 * the unified (v2) one and the v1 memory controller's, each as a directory under the
 * mount that shows it (a container's mount may start below the hierarchy's root).
 */
export function ownCgroupDirs(cgroups: string, mountinfo: string): { v2?: string; v1?: string } {
  const mounts = mountinfo
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [pre, post] = line.split(" - ");
      const f = (pre ?? "").split(" ");
      const [fstype, , options] = (post ?? "").split(" ");
      return {
        root: f[3] ?? "/",
        point: unescapeMount(f[4] ?? ""),
        fstype,
        options: options ?? "",
      };
    });
  const within = (mount: { root: string; point: string }, path: string) => {
    const rel =
      mount.root === "/"
        ? path
        : path === mount.root || path.startsWith(`${mount.root}/`)
          ? path.slice(mount.root.length)
          : undefined; // our cgroup is outside what this mount shows
    return rel === undefined ? undefined : join(mount.point, rel);
  };
  const found: { v2?: string; v1?: string } = {};
  for (const line of cgroups.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, id, controllers, path] = m as unknown as [string, string, string, string];
    if (id === "0" && controllers === "") {
      const mount = mounts.find((x) => x.fstype === "cgroup2");
      if (mount) found.v2 = within(mount, path);
    } else if (controllers.split(",").includes("memory")) {
      const mount = mounts.find(
        (x) => x.fstype === "cgroup" && x.options.split(",").includes("memory"),
      );
      if (mount) found.v1 = within(mount, path);
    }
  }
  return found;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/**
 * Picks the mechanism: a memory cgroup we can create and limit (v2, then v1), unless the
 * setting says watchdog; `cgroup` fails when none is writable. Removes parents left by
 * dead servers first.
 */
export function createMemoryLimit(
  setting: MemoryMechanismSetting,
  limitBytes: number,
  logger: Logger,
  socketBudgetBytes = SOCKET_BUFFER_BUDGET_BYTES,
): MemoryLimit {
  const maxSockets = socketLimitFor(hostSocketBufferBytes(), socketBudgetBytes);
  const sockets = { maxSockets, budgetBytes: socketBudgetBytes };
  if (setting !== "watchdog") {
    const own = findOwnCgroups();
    const tried: string[] = [];
    for (const flavour of [
      own.v2 ? { version: 2 as const, own: own.v2 } : undefined,
      own.v1 ? { version: 1 as const, own: own.v1 } : undefined,
    ]) {
      if (!flavour) continue;
      try {
        return new CgroupLimit(flavour, limitBytes, sockets, logger);
      } catch (e) {
        tried.push(`v${flavour.version} at ${flavour.own}: ${(e as Error).message}`);
      }
    }
    if (setting === "cgroup") {
      throw new Error(
        `SANDBOX_MEMORY_MECHANISM=cgroup: no writable memory cgroup (${tried.join("; ") || "none mounted"})`,
      );
    }
    logger.warn({ tried }, "no writable memory cgroup: the memory watchdog bounds each run");
  }
  return new WatchdogLimit(limitBytes, sockets);
}

// ---------------------------------------------------------------------------------------
// cgroup

function isDeadPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** One step of a run's cgroup file work, done by the CgroupWorker. */
type CgroupOp =
  /** A run's cgroup with its limits, and its first process moved in. */
  | { op: "make"; dir: string; files: [string, string][]; pid: number }
  | { op: "join"; file: string; pid: number }
  /**
   * An ended run's cgroup to be reused: its OOM kill counter and the bytes still charged
   * to it; fails (EBUSY) while a process is still in it.
   */
  | { op: "recycle"; dir: string; counter: string; usage: string }
  | { op: "rmdir"; dir: string };

/** What a recycle step read of an empty cgroup. */
interface Recycled {
  kills?: number;
  usage?: number;
}

/** A failed step; `made`: a make's directory exists (its join failed). */
type CgroupError = NodeJS.ErrnoException & { made?: boolean };

// Plain JavaScript run by `new Worker(…, { eval: true })`: no loader, nothing to build. A
// make whose limits cannot be written removes its directory; a join of a process that has
// already exited (ESRCH) succeeds (it runs nothing); a recycle answers the OOM kill counter
// and the bytes charged of an empty cgroup; ENOENT on rmdir means already gone.
const CGROUP_WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const join = (file, pid) => {
  try { fs.writeFileSync(file, String(pid)); } catch (e) { if (e.code !== "ESRCH") throw e; }
};
parentPort.on("message", (m) => {
  let made = false;
  let kills;
  let usage;
  try {
    if (m.op === "make") {
      fs.mkdirSync(m.dir);
      try {
        for (const [file, value] of m.files) fs.writeFileSync(m.dir + "/" + file, value);
      } catch (e) {
        try { fs.rmdirSync(m.dir); } catch {}
        throw e;
      }
      made = true;
      join(m.dir + "/cgroup.procs", m.pid);
    } else if (m.op === "join") {
      join(m.file, m.pid);
    } else if (m.op === "recycle") {
      if (fs.readFileSync(m.dir + "/cgroup.procs", "utf8") !== "") {
        throw Object.assign(new Error("a process of the run is still in its cgroup"), { code: "EBUSY" });
      }
      const counter = fs.readFileSync(m.dir + "/" + m.counter, "utf8");
      kills = Number(/^oom_kill (\\d+)$/m.exec(counter)?.[1] ?? 0);
      usage = Number(fs.readFileSync(m.dir + "/" + m.usage, "utf8"));
    } else if (m.op === "rmdir") {
      try { fs.rmdirSync(m.dir); } catch (e) { if (e.code !== "ENOENT") throw e; }
    }
    parentPort.postMessage({ id: m.id, kills, usage });
  } catch (e) {
    parentPort.postMessage({ id: m.id, code: e.code, message: e.message, made });
  }
});
`;

/**
 * The cgroup file work of every run (create its directory and write its limits, move its
 * processes in, remove it), done with synchronous calls on one worker thread: off the
 * event loop every run is served from (a move into a cgroup can wait for an RCU grace
 * period, 15 ms median measured on a loaded machine), and one message a step. Through
 * fs/promises each file write is three thread-pool round trips (open, write, close), ~20
 * a run with the directory's mkdir, its optional files' access checks and rmdir: 1.7 ms of
 * the host's CPU per run, measured against ~0.1 ms for the same calls made synchronously.
 */
class CgroupWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (r: Recycled) => void; reject: (e: CgroupError) => void }
  >();
  private nextId = 1;
  private failure: Error | undefined;

  constructor() {
    // execArgv []: not the tsx loader this process may run under (nothing to compile).
    this.worker = new Worker(CGROUP_WORKER_SOURCE, { eval: true, execArgv: [] });
    // Referenced only while a step is pending: idle, it must not keep the process alive;
    // busy, the process must not exit before its cgroups are made or removed.
    this.worker.unref();
    this.worker.on(
      "message",
      (m: { id: number; code?: string; message?: string; made?: boolean } & Recycled) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) this.worker.unref();
        if (m.message === undefined) return p.resolve({ kills: m.kills, usage: m.usage });
        const e: CgroupError = new Error(m.message);
        if (m.code !== undefined) e.code = m.code;
        e.made = m.made === true;
        p.reject(e);
      },
    );
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", () => fail(new Error("the cgroup worker exited")));
  }

  /** Resolves with what a recycle read (other steps: nothing). */
  call(op: CgroupOp): Promise<Recycled> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...op, id });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Parents of servers that died without closing (SIGKILL): their runs are gone too. */
function removeStaleParents(own: string): void {
  let entries: string[];
  try {
    entries = readdirSync(own);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = new RegExp(`^${PARENT_PREFIX}(\\d+)-[0-9a-f]+$`).exec(name);
    if (!m || !isDeadPid(Number(m[1]))) continue;
    const dir = join(own, name);
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      if (child.isDirectory()) tryRmdir(join(dir, child.name));
    }
    tryRmdir(dir);
  }
}

/** An ended run's cgroup, empty, with its limits still written: the next run's. */
interface IdleCgroup {
  dir: string;
  /** Its OOM kill counter (cumulative over the runs it served): a run counts from here. */
  kills: number;
}

/**
 * A cgroup per live runner, each reused once its run has ended: making and removing one
 * per run (mkdir, the limit files, rmdir, and the kernel's offlining of the removed
 * cgroup in a kworker) cost ~0.5-1 ms of CPU per run over a fork alone, more than the
 * join that remains (a microbenchmark of those steps on cgroup v1, 2026-11-28; not
 * measured apart from the fork servers' change since). A cgroup is reused only once
 * it holds no process (cgroup.procs empty: the run's PID namespace is gone, the kernel
 * having ended and reaped all of it), so two runs never share one; the next run counts
 * OOM kills from the counter's value then. Its limits are not written again: only this
 * process can write them (the files are root's, and no run sees the cgroup filesystem).
 * What the last run leaves charged there is page cache it brought in (clean, reclaimed
 * under the next run's limit before any OOM kill) and kernel objects that outlive it; a
 * cgroup left with more than REUSE_MAX_CHARGED of the limit is removed instead.
 */
class CgroupLimit implements MemoryLimit {
  readonly mechanism: MemoryMechanism;
  readonly parent: string;
  private readonly pending = new Set<Promise<void>>();
  private readonly idle: IdleCgroup[] = [];
  private seq = 0;
  /** A run's limit files, with the optional ones this kernel lacks left out (from the probe). */
  private readonly runFiles: [string, string][];
  private readonly io: CgroupWorker;

  readonly maxSockets: number;

  constructor(
    private readonly f: CgroupFlavour,
    readonly limitBytes: number,
    private readonly sockets: SocketSettings,
    private readonly logger: Logger,
  ) {
    this.maxSockets = sockets.maxSockets;
    this.mechanism = f.version === 2 ? "cgroup-v2" : "cgroup-v1";
    removeStaleParents(f.own);
    // The pid says whose it is (removeStaleParents); the suffix tells apart several
    // sandboxes of one process.
    this.parent = join(f.own, `${PARENT_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`);
    mkdirSync(this.parent);
    try {
      if (f.version === 2) {
        // The parent holds no process, so it may hand the memory controller down. Ours
        // must already hand it to the parent (delegation); we never enable it on ours,
        // which holds processes (the no-internal-processes rule).
        if (!existsSync(join(this.parent, "memory.max"))) {
          throw new Error("the memory controller is not delegated to this cgroup");
        }
        writeFileSync(join(this.parent, "cgroup.subtree_control"), "+memory");
      }
      // A throwaway child proves the limit can be written where runs will live, and shows
      // which optional files this kernel has (every run's cgroup has the same ones).
      const probe = this.makeChildSync();
      this.runFiles = this.limitFiles()
        .filter(([file]) => existsSync(join(probe, file)))
        .map(([file, value]) => [file, value]);
      tryRmdir(probe);
    } catch (e) {
      tryRmdir(this.parent);
      throw e;
    }
    this.io = new CgroupWorker();
  }

  /** The files that set a run's limit: [file, value, only where the kernel has it]. */
  private limitFiles(): [string, string, boolean][] {
    const limit = String(this.limitBytes);
    return this.f.version === 2
      ? [
          ["memory.max", limit, false],
          // Swap would let a run hold more than its limit: none.
          ["memory.swap.max", "0", true],
          // An OOM kill ends the whole run, not one process of it.
          ["memory.oom.group", "1", true],
        ]
      : [
          ["memory.limit_in_bytes", limit, false],
          ["memory.memsw.limit_in_bytes", limit, true],
          ["memory.swappiness", "0", false],
          // v1 charges TCP and UDP buffers to no limit above (the kernel grows a TCP
          // connection's to MiBs by itself); a limit of their own makes the kernel account
          // them for this cgroup from its first socket, and past it a send waits.
          ["memory.kmem.tcp.limit_in_bytes", String(this.sockets.budgetBytes), true],
        ];
  }

  /** At start only (the probe): a run's cgroup, synchronously. */
  private makeChildSync(): string {
    const dir = join(this.parent, `run-${++this.seq}`);
    mkdirSync(dir);
    try {
      for (const [file, value, optional] of this.limitFiles()) {
        if (!optional || existsSync(join(dir, file))) writeFileSync(join(dir, file), value);
      }
    } catch (e) {
      tryRmdir(dir);
      throw e;
    }
    return dir;
  }

  forRun(): RunMemory {
    // Reused when an ended run's cgroup is idle; else made with the run's first process
    // (one message to the worker, not two): in fork mode that pid is known ~2 ms after the
    // spawn, long before the runner is ready.
    const reused = this.idle.pop();
    const runDir = reused?.dir ?? join(this.parent, `run-${++this.seq}`);
    const baseKills = reused?.kills ?? 0;
    /** Settles once the directory is made (resolves) or known not to exist (rejects). */
    let made: Promise<void> | undefined = reused ? Promise.resolve() : undefined;
    /** Set once made: the OOM counter is read synchronously (no process is in before). */
    let dir: string | undefined = reused?.dir;
    let joined = false;
    const counter = this.counter;
    const oomKills = () => {
      if (dir === undefined) return 0;
      try {
        const text = readFileSync(join(dir, counter), "utf8");
        return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0) - baseKills;
      } catch {
        return 0;
      }
    };
    let released = false;
    let finalKills = 0;
    const sockets = new SocketBound(this.sockets.maxSockets, this.sockets.budgetBytes);
    const limitBytes = this.limitBytes;
    return {
      limitBytes,
      maxSockets: sockets.maxSockets,
      join: async (pid) => {
        if (made === undefined) {
          const make = this.io.call({ op: "make", dir: runDir, files: this.runFiles, pid });
          made = make.then(
            () => {
              dir = runDir;
            },
            (e: CgroupError) => {
              if (!e.made) throw e;
              dir = runDir; // made, but its process could not join: removed at release
            },
          );
          made.catch(() => {});
          this.track(made.catch(() => {}));
          joined = true;
          await make;
          return;
        }
        await made;
        joined = true;
        await this.io.call({ op: "join", file: join(runDir, "cgroup.procs"), pid });
      },
      watch: (place, onExceeded) => {
        const timer = setInterval(() => {
          if (oomKills() > 0 || sockets.check(place)) {
            clearInterval(timer);
            onExceeded();
          }
        }, WATCHDOG_INTERVAL_MS);
        return () => clearInterval(timer);
      },
      settle: (place) => {
        sockets.check(place);
      },
      exceeded: () =>
        (released ? finalKills : oomKills()) > 0
          ? { kind: "memory", limitBytes }
          : sockets.exceeded(),
      release: () => {
        if (released) return;
        finalKills = oomKills(); // before the cgroup serves another run
        released = true;
        if (made === undefined) return; // no process ever joined: nothing was made
        if (reused && !joined) {
          this.idle.push(reused); // never used: as it was
          return;
        }
        this.track(
          made.then(
            () => this.recycleWhenEmpty(runDir),
            () => {},
          ),
        );
      },
    };
  }

  /** Which file of a run's cgroup holds the bytes charged to it. */
  private get usageFile(): string {
    return this.f.version === 2 ? "memory.current" : "memory.usage_in_bytes";
  }

  /** Which file of a run's cgroup counts its OOM kills. */
  private get counter(): string {
    return this.f.version === 2 ? "memory.events" : "memory.oom_control";
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /**
   * Waits until the run's last process has left its cgroup (an exiting task is taken out
   * a little after its run has been reported ended), then keeps it for the next run; one
   * that stays busy is removed as before, or logged.
   */
  private async recycleWhenEmpty(dir: string): Promise<void> {
    const step = { op: "recycle", dir, counter: this.counter, usage: this.usageFile } as const;
    for (let i = 0; i < RMDIR_ATTEMPTS && this.closing === undefined; i++) {
      const read = await this.io.call(step).then(
        (r) => r,
        () => undefined,
      );
      if (read !== undefined) {
        const usage = read.usage ?? Number.POSITIVE_INFINITY;
        if (this.closing === undefined && usage <= this.limitBytes * REUSE_MAX_CHARGED) {
          this.idle.push({ dir, kills: read.kills ?? 0 });
        } else {
          await this.removeWhenEmpty(dir);
        }
        return;
      }
      await new Promise((r) => setTimeout(r, RMDIR_RETRY_MS));
    }
    await this.removeWhenEmpty(dir);
  }

  /** rmdir fails (EBUSY) while an exiting task is still being taken out of the cgroup. */
  private async removeWhenEmpty(dir: string): Promise<void> {
    for (let i = 0; i < RMDIR_ATTEMPTS; i++) {
      if (
        await this.io.call({ op: "rmdir", dir }).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, RMDIR_RETRY_MS));
    }
    this.logger.error({ dir }, "memory cgroup of a finished run could not be removed");
  }

  private closing: Promise<void> | undefined;

  /** Idempotent: a sandbox may be closed more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.pending.size > 0) await Promise.all([...this.pending]);
      let entries: string[] = [];
      try {
        entries = readdirSync(this.parent, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name);
      } catch {
        return; // already gone
      }
      for (const name of entries) await this.removeWhenEmpty(join(this.parent, name));
      await this.removeWhenEmpty(this.parent);
    })().finally(() => this.io.close());
    return this.closing;
  }
}

// ---------------------------------------------------------------------------------------
// watchdog

const KB = 1024;

/** Proportional anonymous + shared-memory bytes of one process (its smaps_rollup). */
function heldBytes(rollup: string): number {
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
  if (/^Pss_Anon:/m.test(rollup)) return (field("Pss_Anon") + field("Pss_Shmem")) * KB;
  return field("Pss") * KB; // kernels before 5.9: all of it, shared files included
}

function tmpfsUsedNow(path: string): number {
  try {
    const s = statfsSync(path);
    return (s.blocks - s.bfree) * s.bsize;
  } catch {
    return 0;
  }
}

/** heldByRun, synchronously: once per run, when its result arrives. */
export function heldByRunNow(view: RunView): number {
  let held = 0;
  for (const dir of view.procDirs) {
    try {
      held += heldBytes(readFileSync(`${dir}/smaps_rollup`, "utf8"));
    } catch {
      // exited
    }
  }
  for (const path of view.tmpfs) held += tmpfsUsedNow(path);
  return held;
}

async function tmpfsUsed(path: string): Promise<number> {
  try {
    const s = await statfs(path);
    return (s.blocks - s.bfree) * s.bsize;
  } catch {
    return 0; // no such mount in this run
  }
}

/** Where the watchdog finds a run: its processes' /proc directories and its tmpfs mounts. */
export interface RunView {
  procDirs: string[];
  tmpfs: string[];
}

/**
 * A bwrap run, through a process in its namespaces (warm-process.ts runRoot): its
 * namespace's own /proc, its /tmp and /dev/shm.
 */
export function namespaceView(root: number): RunView | undefined {
  const base = `/proc/${root}/root`;
  try {
    const pids = readdirSync(`${base}/proc`).filter((e) => /^\d+$/.test(e));
    return {
      procDirs: pids.map((p) => `${base}/proc/${p}`),
      tmpfs: [`${base}/tmp`, `${base}/dev/shm`],
    };
  } catch {
    return undefined; // the run is gone
  }
}

/** A run without namespaces: the given host processes; its /tmp is the host's. */
export function hostView(pids: number[]): RunView {
  return { procDirs: pids.map((p) => `/proc/${p}`), tmpfs: [] };
}

/** What a run holds now: proportional anonymous + shared memory of each process, plus tmpfs. */
export async function heldByRun(view: RunView): Promise<number> {
  const sizes = await Promise.all([
    ...view.procDirs.map((dir) => readFile(`${dir}/smaps_rollup`, "utf8").then(heldBytes, () => 0)),
    ...view.tmpfs.map(tmpfsUsed),
  ]);
  return sizes.reduce((a, b) => a + b, 0);
}

class WatchdogLimit implements MemoryLimit {
  readonly mechanism = "watchdog" as const;
  readonly maxSockets: number;

  constructor(
    readonly limitBytes: number,
    private readonly sockets: SocketSettings,
  ) {
    this.maxSockets = sockets.maxSockets;
  }

  forRun(): RunMemory {
    let over = false;
    const sockets = new SocketBound(this.sockets.maxSockets, this.sockets.budgetBytes);
    const limitBytes = this.limitBytes;
    return {
      limitBytes,
      maxSockets: sockets.maxSockets,
      join: async () => {},
      watch: (place, onExceeded) => {
        let stopped = false;
        let timer: NodeJS.Timeout | undefined;
        const exceed = () => {
          stopped = true;
          onExceeded();
        };
        const tick = async () => {
          // Sockets first: a count is cheap and the sum below takes a while.
          if (sockets.check(place)) return exceed();
          const view = place.view();
          if (view !== undefined) {
            const held = await heldByRun(view);
            if (!stopped && held > limitBytes) {
              over = true;
              return exceed();
            }
          }
          if (!stopped) timer = setTimeout(tick, WATCHDOG_INTERVAL_MS);
        };
        timer = setTimeout(tick, 0);
        return () => {
          stopped = true;
          clearTimeout(timer);
        };
      },
      settle: (place) => {
        sockets.check(place);
        const view = place.view();
        if (view !== undefined && heldByRunNow(view) > limitBytes) over = true;
      },
      exceeded: () => (over ? { kind: "memory", limitBytes } : sockets.exceeded()),
      release: () => {},
    };
  }

  async close(): Promise<void> {}
}
