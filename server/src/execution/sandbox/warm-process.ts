// One pre-started runner: spawned as an unprivileged uid, warmed until it says "ready",
// then given exactly one job. Whatever happens, the whole process tree is killed at the
// end. For bwrap we SIGKILL the namespace's pid 1 (the run's init, bwrap's child, whose
// child is the runner: sandbox_runner.py become_init): the kernel then kills everything
// inside, and the outer bwrap reaps it and exits. Killing the outer
// bwrap first would also work (--die-with-parent) but orphans pid 1, leaving a zombie for
// the host's init to reap, counted against the uid's RLIMIT_NPROC until then.
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { Launcher } from "./launcher.js";
import type { LiveInput } from "./live-input.js";
import {
  hostView,
  namespaceView,
  type OverLimit,
  type RunMemory,
  type RunPlace,
  type RunView,
} from "./memory-limit.js";
import { OutputCollector } from "./output-collector.js";
import { ControlReader, readySchema, runResultSchema, verdictSchema } from "./protocol.js";
import { killUid, pidsOfGroup, pidsOfUids } from "./reaper.js";
import { RunEvents } from "./run-events.js";
import type { Figure, OutputChunk } from "./sandbox.js";
import { childPids, signal, signalNumber } from "./signals.js";

const READY_TIMEOUT_MS = 10_000;
/** If the tree has not gone this long after a kill, kill the process group too. */
const KILL_FALLBACK_MS = 1000;
const UID_SWEEP_MS = 100;
/** Group sweeps once the runner's pipes closed, for members that left them (5 s). */
const MAX_SWEEPS_AFTER_CLOSE = 50;
/** Time a timed-out runner gets to flush its output before it is killed. */
const STOP_GRACE_MS = 150;
/** The same for a cancelled run: it must end within 200 ms with the output so far. */
const CANCEL_GRACE_MS = 60;
const STARTUP_STDERR_BYTES = 4096;

export interface JobOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  onOutput?: (c: OutputChunk) => void;
  onFigure?: (f: Figure) => void;
  onInputRequest?: (prompt: string) => void;
  /** Interactive: fd 0 stays open and carries this input after the job. */
  input?: LiveInput;
  signal?: AbortSignal;
}

export interface RawOutcome {
  /** A run job's policy verdict (the first message after "ready"), unvalidated. */
  verdict?: unknown;
  /** The result: the message after the verdict (a tool's: after ready), unvalidated;
   * undefined if none came. */
  message: unknown;
  stdout: string;
  stderr: string;
  truncated: boolean;
  figures: Figure[];
  /** Figures were dropped at their caps. */
  figuresTruncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  controlOverflow: boolean;
  /** Signal number that ended the runner, when it did not finish by itself. */
  exitSignal: number | null;
  exitCode: number | null;
  wallMs: number;
  /** The bound the run went over (its memory limit or socket count; memory-limit.ts). */
  overLimit: OverLimit | null;
}

export class WarmProcess {
  readonly ready: Promise<void>;
  /** Resolves when every process of the tree is gone and every pipe is closed. */
  readonly closed: Promise<void>;
  seccomp = false;
  private readonly child: ChildProcess;
  private readonly control = new ControlReader();
  private startupStderr = "";
  private onControl: (() => void) | undefined;
  private onEvents: (() => void) | undefined;
  private killed = false;
  private readonly isolation: Launcher["isolation"];
  /** From a fork server: kill() and stop() go through it, to the run's whole namespace. */
  private readonly forked: boolean;
  /** The forked runner's host pid, once the fork server has made it. */
  private forkedPid: number | undefined;
  /** Why the runner could not be put under the run's memory limit: it gets no job. */
  private memoryFailure: Error | undefined;
  /** The runner's processes being put under the run's memory limit; `ready` waits for it. */
  private joined: Promise<void> = Promise.resolve();

  constructor(
    launcher: Launcher,
    /** The host uid to run as; undefined keeps the server's own (a server not run as root). */
    readonly uid: number | undefined,
    /** The run's memory limit (memory-limit.ts); joined before the job can be written. */
    private readonly memory?: RunMemory,
  ) {
    this.isolation = launcher.isolation;
    this.forked = launcher.start !== undefined;
    const onForked = (pid: number | undefined) => {
      this.forkedPid = pid;
      if (pid !== undefined) this.joinMemory(() => [pid]);
      else if (memory) this.failMemory(new Error("the forked runner was not found"));
    };
    // bwrap reads the seccomp program from fd 4 to its end: a pipe we fill and close.
    const filter = launcher.start ? undefined : launcher.seccompFilter;
    this.child =
      launcher.start?.(uid, onForked) ??
      spawn(launcher.command, [...launcher.args], {
        ...(uid === undefined ? {} : { uid, gid: uid }),
        env: launcher.env ?? {},
        cwd: "/",
        detached: true, // own process group, so one kill reaches the whole tree
        stdio: ["pipe", "pipe", "pipe", "pipe", ...(filter ? (["pipe"] as const) : [])],
      });
    if (filter) {
      const fd4 = this.child.stdio[4] as Writable;
      fd4.on("error", () => {}); // bwrap died before reading it: seen via its exit
      fd4.end(filter);
    }
    this.closed = new Promise((resolve) => {
      this.child.once("close", () => resolve());
      this.child.once("error", () => resolve()); // could not spawn: no 'close' follows
    });
    if (memory) {
      void this.closed.then(() => memory.release());
      const pid = this.child.pid;
      // bwrap first, then its child (the run's pid 1, its init) if it has already cloned
      // it, then the init's child (the runner) if that has been forked (each looked up
      // once its parent is in): a child made later inherits its parent's cgroup, so either
      // way the runner is in before it reads a job.
      if (!this.forked && pid !== undefined) {
        this.joinMemory(() => [pid]);
        if (this.isolation === "bwrap") {
          this.joinMemory(() => childPids(pid));
          this.joinMemory(() => childPids(pid).flatMap(childPids));
        }
      }
    }
    this.stream(3).on("data", (chunk: Buffer) => {
      this.control.push(chunk);
      if (this.control.overflow) this.kill();
      if (this.control.events.length > 0) this.onEvents?.();
      this.onControl?.();
    });
    this.stream(2).on("data", (chunk: Buffer) => {
      if (this.startupStderr.length < STARTUP_STDERR_BYTES) this.startupStderr += chunk;
    });
    this.child.stdin?.on("error", () => {}); // EPIPE when the runner died: seen via exit
    this.ready = this.waitReady();
  }

  /** Joins in order, each after the one before: `pids` is called when its turn comes. */
  private joinMemory(pids: () => number[]): void {
    const memory = this.memory;
    if (!memory) return;
    this.joined = this.joined.then(async () => {
      try {
        for (const pid of pids()) await memory.join(pid);
      } catch (e) {
        this.failMemory(e as Error);
      }
    });
  }

  private failMemory(e: Error): void {
    this.memoryFailure ??= e;
    this.kill();
  }

  /**
   * A host pid in the run's namespaces: under bwrap alone their pid 1 (the run's init,
   * bwrap's child), on the fork path the runner (its init keeps the fork server's mount
   * and network namespaces).
   */
  private root: number | undefined;

  private runRoot(): number | undefined {
    if (this.root === undefined && !this.forked && this.child.pid !== undefined) {
      this.root = childPids(this.child.pid)[0];
    }
    return this.forked ? this.forkedPid : this.root;
  }

  /** Where the run's processes and tmpfs are, for the memory watchdog. */
  private runView(): RunView | undefined {
    const pid = this.child.pid;
    if (this.isolation === "process") {
      if (pid === undefined) return undefined;
      return hostView(this.uid !== undefined ? pidsOfUids(this.uid, 1) : pidsOfGroup(pid));
    }
    const root = this.runRoot();
    return root === undefined ? undefined : namespaceView(root);
  }

  /** Where the run is, for its memory and socket checks. */
  private readonly place: RunPlace = {
    view: () => this.runView(),
    // Every process of a bwrap run shares its runner's network namespace; without
    // namespaces (SANDBOX=process) the count would be the host's.
    sockstat: () => {
      const root = this.isolation === "process" ? undefined : this.runRoot();
      return root === undefined ? undefined : `/proc/${root}/net/sockstat`;
    },
  };

  private stream(fd: 1 | 2 | 3): Readable {
    return this.child.stdio[fd] as Readable;
  }

  private waitReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        this.kill();
        reject(new Error(`sandbox failed to start: ${why}: ${this.startupStderr.trim()}`));
      };
      const timer = setTimeout(() => fail("timed out"), READY_TIMEOUT_MS);
      const onExit = () =>
        fail(this.memoryFailure ? `memory limit: ${this.memoryFailure.message}` : "exited");
      const cleanup = () => {
        clearTimeout(timer);
        this.onControl = undefined;
        this.child.off("exit", onExit);
      };
      this.child.once("exit", onExit);
      this.child.once("error", (e) => fail(e.message));
      this.onControl = () => {
        const ready = readySchema.safeParse(this.control.messages[0]);
        if (!ready.success) return fail("bad ready message");
        this.seccomp = ready.data.seccomp;
        this.onControl = undefined;
        // No job before the runner is under the run's memory limit.
        void this.joined.then(() => {
          if (this.memoryFailure) return fail(`memory limit: ${this.memoryFailure.message}`);
          cleanup();
          resolve();
        });
      };
    });
  }

  kill(): void {
    if (this.forked && !this.killed) {
      this.killed = true;
      this.child.kill("SIGKILL");
      return;
    }
    const pid = this.child.pid;
    if (pid === undefined || this.killed) return;
    this.killed = true;
    if (this.isolation === "process") {
      this.killTree();
      return;
    }
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const inner = childPids(pid);
    for (const child of inner) signal(child);
    if (inner.length === 0) {
      this.killGroup();
      return;
    }
    const fallback = setTimeout(() => this.killGroup(), KILL_FALLBACK_MS);
    void this.closed.then(() => clearTimeout(fallback));
  }

  /**
   * Asks the runner to flush its output and exit (SIGTERM; under bwrap alone to the run's
   * init, which passes it on), then kills after a grace.
   */
  private stop(graceMs = STOP_GRACE_MS): void {
    if (this.forked) {
      this.child.kill("SIGTERM");
      const grace = setTimeout(() => this.kill(), graceMs);
      void this.closed.then(() => clearTimeout(grace));
      return;
    }
    const pid = this.child.pid as number;
    const runner = this.isolation === "bwrap" ? childPids(pid)[0] : pid;
    if (runner !== undefined) signal(runner, "SIGTERM");
    const grace = setTimeout(() => this.kill(), graceMs);
    void this.closed.then(() => clearTimeout(grace));
  }

  /**
   * Without a pid namespace, the run's process group is killed whole, whether or not the
   * runner itself has exited, until no member is left (a sweep races a fork loop; the next
   * one wins). As root, a child may also leave the group (setsid), but everything under
   * the run's own uid is the run's, so the uid is swept too. Without root there is no uid
   * of its own: the runner's seccomp filter (confineToGroup) keeps every process it starts
   * in the group instead.
   */
  private killTree(): void {
    const pgid = this.child.pid as number;
    let closed = false;
    void this.closed.then(() => {
      closed = true;
    });
    let sweepsAfterClose = 0;
    const sweep = () => {
      const groupLeft = signal(-pgid);
      if (this.uid !== undefined) killUid(this.uid);
      if (closed) sweepsAfterClose += 1;
      // Zombies still answer a group kill until their parent reaps them: stop after a while.
      if ((!closed || groupLeft) && sweepsAfterClose < MAX_SWEEPS_AFTER_CLOSE) {
        setTimeout(sweep, UID_SWEEP_MS);
      }
    };
    sweep();
  }

  private killGroup(): void {
    const pid = this.child.pid as number;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (!signal(-pid)) this.child.kill("SIGKILL");
  }

  /**
   * Sends the job; resolves once the result and all the output it accounts for are in,
   * or else once the tree is gone (timeout, crash, cap). Call once, after `ready`.
   */
  execute(job: Buffer, o: JobOptions): Promise<RawOutcome> {
    const started = performance.now();
    const output = new OutputCollector(o.maxOutputBytes, () => this.kill(), o.onOutput);
    const events = new RunEvents(output, {
      onFigure: o.onFigure,
      onInputRequest: o.onInputRequest,
    });
    this.onEvents = () => events.take(this.control.events);
    let timedOut = false;
    let aborted = false;
    const stopWatch = this.memory?.watch(this.place, () => this.kill());
    const timer = setTimeout(() => {
      timedOut = true;
      this.stop();
    }, o.timeoutMs);
    const onAbort = () => {
      aborted = true;
      this.stop(CANCEL_GRACE_MS);
    };
    // A run job's first message after ready is its policy verdict, and the result follows
    // an "ok" one; a tool job's result comes right after ready.
    const verdict = isRunJob(job);
    const at = verdict ? 2 : 1;
    return new Promise<RawOutcome>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        stopWatch?.();
        const overLimit = this.memory?.exceeded() ?? null;
        // Anything arriving later (only from a run that lied about its output) is dropped.
        this.stream(1).removeAllListeners("data");
        this.stream(2).removeAllListeners("data");
        o.signal?.removeEventListener("abort", onAbort);
        this.onEvents = undefined;
        events.take(this.control.events);
        events.deliver(true);
        const { exitCode, signalCode } = this.child;
        resolve({
          ...(verdict ? { verdict: this.control.messages[1] } : {}),
          message: this.control.messages[at],
          ...output.finish(),
          figures: events.figures,
          figuresTruncated: events.truncated,
          timedOut,
          aborted,
          controlOverflow: this.control.overflow,
          exitCode,
          exitSignal: signalNumber(exitCode, signalCode),
          wallMs: performance.now() - started,
          overLimit,
        });
      };
      // Done early when the result says how much output there is and it has all arrived:
      // the namespace teardown (~2 ms, more under load) then happens off the critical path.
      // The counts are the runner's streams' only: bytes the program wrote to fd 1 or 2
      // another way (os.write, open("/dev/stdout"), a C extension, a child process) were in
      // the pipes before the result was sent, so the same poll of the event loop saw them
      // readable; one more turn (setImmediate) lets their reads land before the finish.
      let completing = false;
      const maybeComplete = () => {
        if (completing) return;
        const m = runResultSchema.safeParse(this.control.messages[at]);
        if (!m.success) return;
        const { stdout_bytes: out, stderr_bytes: err } = m.data;
        if (out === undefined || err === undefined) return;
        if (output.received.stdout >= out && output.received.stderr >= err) {
          completing = true;
          setImmediate(finish);
        }
      };
      this.stream(2).removeAllListeners("data");
      this.stream(1).on("data", (c: Buffer) => {
        output.push("stdout", c);
        events.deliver();
        if (this.control.messages.length > at) maybeComplete();
      });
      this.stream(2).on("data", (c: Buffer) => {
        output.push("stderr", c);
        events.deliver();
        if (this.control.messages.length > at) maybeComplete();
      });
      // The runner flushed its output before its result, and pipe contents outlive their
      // writer: killing at once costs nothing and ends any process user code left behind.
      this.onControl = () => {
        const n = this.control.messages.length;
        if (verdict && n >= 2 && refused(this.control.messages[1])) {
          this.kill(); // refused: the code never ran
          finish();
          return;
        }
        if (n <= at) return;
        this.memory?.settle(this.place);
        this.kill();
        maybeComplete();
      };
      o.signal?.addEventListener("abort", onAbort, { once: true });
      if (o.signal?.aborted) onAbort();
      void this.closed.then(finish);
      const stdin = this.child.stdin as Writable;
      if (o.input) {
        stdin.write(job);
        o.input.attach({ write: (data) => stdin.write(data), end: () => stdin.end() });
      } else {
        stdin.end(job);
      }
    });
  }
}

function isRunJob(job: Buffer): boolean {
  return job.subarray(0, 4).toString("latin1") === "run ";
}

function refused(verdict: unknown): boolean {
  const v = verdictSchema.safeParse(verdict);
  return v.success && "violations" in v.data;
}
