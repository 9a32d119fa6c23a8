// The fork path (SANDBOX_MODE=fork): a few warm fork servers (python/zygote.py), each a
// CPython inside bwrap that has imported the runner and forks one runner per run, so the
// interpreter's start-up is paid once per zygote instead of once per run.
//
// Each forked runner talks over four pipes of its own (job, stdout, stderr, control) that
// the zygote creates; we open our ends through /proc/<zygote>/fd (we are root: the fork
// path needs root anyway, to map the sandbox uid range into the zygote's user namespace).
// A ForkedChild stands in for a spawned ChildProcess, so WarmProcess and the pool run it
// unchanged.
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { constants as fsc, openSync, readFileSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { constants } from "node:os";
import { Readable, Writable } from "node:stream";
import type { Logger } from "pino";

const READY_TIMEOUT_MS = 10_000;
const STDERR_KEEP = 4096;
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

export interface ZygoteConfig {
  bwrapPath: string;
  args: string[];
  /** The seccomp program (BPF) every forked runner loads before its job. */
  filter: Buffer;
  /** The host uid range of the runs, mapped 1:1 into each zygote's user namespace. */
  uidBase: number;
  uidCount: number;
  logger: Logger;
}

/** One forked runner, shaped like the ChildProcess that WarmProcess drives. */
export class ForkedChild extends EventEmitter {
  readonly pid = undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly stdin: Writable;
  readonly stdio: [Writable, Readable, Readable, Readable];
  private input: Socket | undefined;
  private queuedInput: { chunk: Buffer; cb: (e?: Error | null) => void }[] = [];
  private inputEnded = false;
  private openStreams = 3;
  private exited = false;
  private gone = false;
  private pendingSignal: "term" | "kill" | undefined;
  /** Our host pid, once attached (the zygote skips it when it looks for a newer child). */
  hostPid: number | undefined;

  constructor(
    readonly id: string,
    private readonly zygote: Zygote,
    /** Gets the runner's host pid before its job pipe is opened (its memory cgroup). */
    private readonly onRunner?: (pid: number | undefined) => void,
  ) {
    super();
    const out = () => new Readable({ read() {} });
    this.stdin = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (this.input) this.input.write(chunk, cb);
        else if (this.gone) cb();
        else this.queuedInput.push({ chunk, cb });
      },
      final: (cb) => {
        this.inputEnded = true;
        this.input?.end();
        cb();
      },
    });
    this.stdio = [this.stdin, out(), out(), out()];
  }

  /**
   * The zygote forked us: tell onRunner our host pid, then open our ends of the four pipes
   * (no job can be written before that). `nsPid` is our pid in the zygote's namespace.
   */
  attach(zygotePid: number, fds: number[], nsPid: number, known: Set<number>): void {
    const hostPid = hostPidOfChild(zygotePid, nsPid, known);
    this.hostPid = hostPid;
    this.onRunner?.(hostPid);
    const open = (fd: number, flags: number) => {
      try {
        return openSync(`/proc/${zygotePid}/fd/${fd}`, flags | fsc.O_NONBLOCK);
      } catch {
        return undefined; // the runner is already gone (a pipe without a reader)
      }
    };
    const [jobFd, ...outFds] = fds as [number, number, number, number];
    const job = open(jobFd, fsc.O_WRONLY);
    const outs = outFds.map((fd) => open(fd, fsc.O_RDONLY));
    this.zygote.command(`opened ${this.id}`);
    if (job !== undefined) {
      const input = new Socket({ fd: job, readable: false, writable: true });
      input.on("error", () => {}); // the runner died: seen through its exit
      this.input = input;
      for (const q of this.queuedInput.splice(0)) input.write(q.chunk, q.cb);
      if (this.inputEnded) input.end();
    } else {
      this.dropInput();
    }
    for (const [i, fd] of outs.entries()) {
      const proxy = this.stdio[i + 1] as Readable;
      if (fd === undefined) {
        this.streamEnded(proxy);
        continue;
      }
      const s = new Socket({ fd, readable: true, writable: false });
      s.on("data", (c: Buffer) => proxy.push(c));
      s.on("error", () => {});
      s.once("close", () => this.streamEnded(proxy));
    }
    if (this.pendingSignal) this.zygote.command(`${this.pendingSignal} ${this.id}`);
  }

  private dropInput(): void {
    this.gone = true;
    for (const q of this.queuedInput.splice(0)) q.cb();
  }

  private streamEnded(proxy: Readable): void {
    proxy.push(null);
    this.openStreams--;
    this.maybeClose();
  }

  /** The zygote reaped us (every process of the run is gone), or could not fork us. */
  exit(code: number | null, signal: number, error?: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.input?.destroy();
    this.dropInput();
    if (error) {
      for (const s of this.stdio.slice(1) as Readable[]) if (!s.readableEnded) s.push(null);
      this.openStreams = 0;
      this.emit("error", error);
      return;
    }
    this.exitCode = signal ? null : code;
    this.signalCode = signal ? (SIGNAL_NAMES.get(signal) ?? "SIGKILL") : null;
    this.emit("exit", this.exitCode, this.signalCode);
    this.maybeClose();
  }

  /** The zygote died before forking us or before opening our pipes. */
  orphan(): void {
    if (this.openStreams === 3 && !this.input) {
      for (const s of this.stdio.slice(1) as Readable[]) s.push(null);
      this.openStreams = 0;
    }
    this.exit(null, constants.signals.SIGKILL);
  }

  private maybeClose(): void {
    if (this.exited && this.openStreams === 0) this.emit("close", this.exitCode, this.signalCode);
  }

  kill(sig: NodeJS.Signals | number = "SIGKILL"): boolean {
    if (this.exited) return false;
    const verb = sig === "SIGTERM" ? "term" : "kill";
    if (this.openStreams === 3 && !this.input && !this.gone) {
      this.pendingSignal = verb; // not forked yet: sent once it is
    }
    this.zygote.command(`${verb} ${this.id}`);
    return true;
  }
}

/**
 * The host pid of the zygote's child whose pid in the zygote's namespace is `nsPid`: the
 * second entry of its NSpid line (host, zygote's namespace, its own where it is 2). The
 * zygote's other live runners are `known` already, and the children are read newest first
 * (the kernel lists them in the order they were made): the runner is made last, after its
 * run's init (zygote.py clone_init), so its status is usually the first one read.
 */
function hostPidOfChild(
  zygotePid: number,
  nsPid: number,
  known: ReadonlySet<number>,
): number | undefined {
  let children: string[];
  try {
    children = readFileSync(`/proc/${zygotePid}/task/${zygotePid}/children`, "utf8")
      .split(" ")
      .filter(Boolean);
  } catch {
    return undefined;
  }
  for (const pid of children.reverse()) {
    if (known.has(Number(pid))) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const ns = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/);
      if (ns && Number(ns[1]) === nsPid) return Number(pid);
    } catch {
      // exited while we looked
    }
  }
  return undefined;
}

/** One fork server process. */
export class Zygote {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private pid: number | undefined;
  private readonly children = new Map<string, ForkedChild>();
  /** Host pids of the children not yet reaped (hostPidOfChild skips them). */
  private readonly hostPids = new Set<number>();
  private nextId = 1;
  private replies = "";
  private stderr = "";
  dead = false;

  constructor(c: ZygoteConfig, uid: number) {
    this.child = spawn(c.bwrapPath, c.args, {
      uid,
      gid: uid,
      env: {},
      cwd: "/",
      detached: true,
      // 0 commands, 2 errors, 3 replies, 4 seccomp filter, 5 bwrap waits on it, 6 bwrap's info
      stdio: ["pipe", "ignore", "pipe", "pipe", "pipe", "pipe", "pipe"],
    });
    const io = this.child.stdio as unknown as [
      Writable,
      null,
      Readable,
      Readable,
      Writable,
      Writable,
      Readable,
    ];
    for (const w of [io[0], io[4], io[5]]) w.on("error", () => {});
    io[4].end(c.filter);
    io[2].on("data", (d: Buffer) => {
      if (this.stderr.length < STDERR_KEEP) this.stderr += d.toString();
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        this.kill();
        reject(new Error(`fork server failed to start: ${why}: ${this.stderr.trim()}`));
      };
      const timer = setTimeout(() => fail("timed out"), READY_TIMEOUT_MS);
      this.child.once("error", (e) => fail(e.message));
      this.child.once("exit", (code) => fail(`exited (${code})`));
      let info = "";
      io[6].on("data", (d: Buffer) => {
        if (this.pid !== undefined) return;
        info += d.toString();
        let pid: number;
        try {
          pid = Number((JSON.parse(info) as { "child-pid": number })["child-pid"]);
        } catch {
          return; // not all of it yet
        }
        try {
          this.pid = pid;
          const map = `${c.uidBase} ${c.uidBase} ${c.uidCount}\n${uid} ${uid} 1\n`;
          writeFileSync(`/proc/${pid}/uid_map`, map);
          writeFileSync(`/proc/${pid}/gid_map`, map);
          io[5].end("1");
        } catch (e) {
          fail(`cannot map the sandbox uids: ${(e as Error).message}`);
        }
      });
      io[3].on("data", (d: Buffer) => {
        this.replies += d.toString("latin1");
        let nl = this.replies.indexOf("\n");
        while (nl >= 0) {
          const line = this.replies.slice(0, nl);
          this.replies = this.replies.slice(nl + 1);
          if (line === "ready") {
            clearTimeout(timer);
            resolve();
          } else this.onReply(line);
          nl = this.replies.indexOf("\n");
        }
      });
    });
    this.ready.catch(() => {});
    this.child.once("exit", (code, signal) => {
      this.dead = true;
      if (this.pid !== undefined && !this.closing) {
        c.logger.error({ code, signal, stderr: this.stderr.trim() }, "fork server exited");
      }
      for (const ch of this.children.values()) ch.orphan();
      this.children.clear();
    });
  }

  private closing = false;

  get outstanding(): number {
    return this.children.size;
  }

  private onReply(line: string): void {
    const [verb, id, ...rest] = line.split(" ");
    const ch = this.children.get(id as string);
    if (!ch) return;
    if (verb === "forked") {
      // forked <id> <job> <stdout> <stderr> <control> <pid in the zygote's namespace>
      const fields = rest.map(Number);
      ch.attach(this.pid as number, fields.slice(0, 4), fields[4] as number, this.hostPids);
      if (ch.hostPid !== undefined) this.hostPids.add(ch.hostPid);
    } else if (verb === "exit") {
      this.children.delete(id as string);
      if (ch.hostPid !== undefined) this.hostPids.delete(ch.hostPid);
      ch.exit(Number(rest[0]), Number(rest[1]));
    } else if (verb === "failed") {
      this.children.delete(id as string);
      ch.exit(null, 0, new Error(`fork failed: ${rest.join(" ")}`));
    }
  }

  command(line: string): void {
    if (!this.dead) (this.child.stdin as Writable).write(`${line}\n`);
  }

  /** A runner for one job, running as `uid`. */
  fork(uid: number, onRunner?: (pid: number | undefined) => void): ForkedChild {
    const ch = new ForkedChild(String(this.nextId++), this, onRunner);
    if (this.dead) {
      queueMicrotask(() => ch.exit(null, 0, new Error("fork server is not running")));
      return ch;
    }
    this.children.set(ch.id, ch);
    void this.ready.then(
      () => this.command(`fork ${ch.id} ${uid}`),
      (e: Error) => {
        this.children.delete(ch.id);
        ch.exit(null, 0, e);
      },
    );
    return ch;
  }

  private kill(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    // The zygote first: it is pid 1 of the namespace every run lives in, so the kernel ends
    // them all, and bwrap reaps it and exits. Then bwrap's group, in case it never started.
    for (const target of this.pid === undefined ? [-pid] : [this.pid, -pid]) {
      try {
        process.kill(target, "SIGKILL");
        return;
      } catch {
        // gone already
      }
    }
  }

  /** Ends the zygote and, as it is pid 1 of their namespaces' parent, every run it forked. */
  close(): Promise<void> {
    this.closing = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.kill();
    return exited;
  }
}

/** The fork servers of one sandbox: forks go to the least busy; a dead one is replaced. */
export class ZygoteSet {
  private readonly zygotes: Zygote[];

  constructor(
    private readonly c: ZygoteConfig,
    private readonly uids: number[],
  ) {
    this.zygotes = uids.map((uid) => new Zygote(c, uid));
  }

  ready(): Promise<void> {
    return Promise.all(this.zygotes.map((z) => z.ready)).then(() => {});
  }

  fork(uid: number, onRunner?: (pid: number | undefined) => void): ChildProcess {
    for (let i = 0; i < this.zygotes.length; i++) {
      if ((this.zygotes[i] as Zygote).dead)
        this.zygotes[i] = new Zygote(this.c, this.uids[i] as number);
    }
    let best = this.zygotes[0] as Zygote;
    for (const z of this.zygotes) if (z.outstanding < best.outstanding) best = z;
    return best.fork(uid, onRunner) as unknown as ChildProcess;
  }

  async close(): Promise<void> {
    await Promise.all(this.zygotes.map((z) => z.close()));
  }
}
