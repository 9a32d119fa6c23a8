// The warm pool and the process adapter: fairness under a burst, refilling, start-up
// failures, closing, and the `process` isolation level's own guarantees.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { probeHostPaths } from "../../../src/execution/sandbox/host-paths.js";
import type { Launcher } from "../../../src/execution/sandbox/launcher.js";
import type { RunMemory } from "../../../src/execution/sandbox/memory-limit.js";
import { MAX_FAILURES, SandboxPool } from "../../../src/execution/sandbox/pool.js";
import { UidAllocator } from "../../../src/execution/sandbox/uid-allocator.js";
import { WarmProcess } from "../../../src/execution/sandbox/warm-process.js";
import { testUid } from "../../helpers/uids.js";
import {
  ESCAPE,
  makeSandbox,
  processesOfUids,
  processesWithMarker,
  run,
  runUnchecked,
  silentLogger,
} from "./helpers.js";

function brokenPool(command: string, args: string[], uidBase: number) {
  const launcher: Launcher = { isolation: "process", command, args };
  return new SandboxPool({
    size: 1,
    maxConcurrent: 1,
    spawnParallel: 1,
    uids: new UidAllocator(uidBase, 4),
    spawn: (uid) => new WarmProcess(launcher, uid),
    logger: silentLogger,
  });
}

describe("pool", () => {
  it("queues a burst FIFO under maxConcurrent and reports it in stats", async () => {
    const sb = await makeSandbox(testUid(62400), { poolSize: 1, maxConcurrent: 1 });
    try {
      const order: number[] = [];
      const runs = [0, 1, 2].map((i) =>
        run(sb, `import time\ntime.sleep(0.15)\nprint(${i})`).then((r) => {
          order.push(i);
          return r;
        }),
      );
      await sleep(50);
      expect(sb.stats()).toMatchObject({ busy: 1, queued: 2 });
      const results = await Promise.all(runs);
      expect(results.map((r) => r.stdout)).toEqual(["0\n", "1\n", "2\n"]);
      expect(order).toEqual([0, 1, 2]);
      await sleep(200);
      expect(sb.stats()).toMatchObject({ warm: 1, busy: 0, queued: 0 });
    } finally {
      await sb.close();
    }
  });

  it("replaces a warm runner that dies while idle", async () => {
    const sb = await makeSandbox(testUid(62440), { poolSize: 1, maxConcurrent: 2, uidCount: 8 });
    try {
      await sleep(100);
      for (const pid of processesOfUids(testUid(62440), 8)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch (e) {
          // ESRCH: ended with the one killed before it (its runner, or the run's init)
          if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
        }
      }
      await sleep(300);
      const r = await run(sb, "print('ok')");
      expect(r.stdout).toBe("ok\n");
    } finally {
      await sb.close();
    }
  });

  it("rejects waiters and further runs once closed", async () => {
    const sb = await makeSandbox(testUid(62460), { poolSize: 1, maxConcurrent: 1, uidCount: 8 });
    const busy = run(sb, "import time\ntime.sleep(5)");
    await sleep(50);
    const queued = run(sb, "print(1)").catch((e: Error) => e);
    await sb.close();
    expect(String(await queued)).toMatch(/closed/);
    const r = await busy;
    expect(r.success).toBe(false);
    await expect(run(sb, "print(1)")).rejects.toThrow(/closed/);
    expect(processesOfUids(testUid(62460), 8)).toEqual([]);
  });

  it("gives up after repeated start failures, with the runner's stderr", async () => {
    // Each start leaves a line in a file (the runner may run under a sandbox uid).
    const dir = mkdtempSync(join(tmpdir(), "pool-starts-"));
    chmodSync(dir, 0o777);
    const log = join(dir, "starts");
    writeFileSync(log, "");
    chmodSync(log, 0o666);
    const pool = brokenPool(
      "/bin/sh",
      ["-c", `echo start >> ${log}; echo broken runner >&2; exit 3`],
      testUid(62480),
    );
    await expect(pool.start()).rejects.toThrow(/sandbox failed to start: exited: broken runner/);
    // It gave up after its bounded number of attempts, not a spawn loop (a pool that never
    // gives up fails on the test timeout).
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toHaveLength(MAX_FAILURES);
    expect(pool.error?.message).toContain("broken runner");
    rmSync(dir, { recursive: true, force: true });
    await pool.close();
  });

  it("refuses a runner whose ready message is wrong, or that cannot spawn", async () => {
    const bad = brokenPool("/bin/sh", ["-c", "echo '{\"ready\":1}' >&3; sleep 5"], testUid(62484));
    await expect(bad.start()).rejects.toThrow(/bad ready message/);
    await bad.close();
    const missing = brokenPool("/nonexistent/runner", [], testUid(62488));
    await expect(missing.start()).rejects.toThrow(/sandbox failed to start/);
    await missing.close();
  });
});

describe("a runner's memory limit", () => {
  // A runner that says ready at once and then waits for its job.
  const launcher: Launcher = {
    isolation: "process",
    command: "/bin/sh",
    args: ["-c", `echo '{"ready":true,"seccomp":false}' >&3; sleep 5`],
  };
  const fakeMemory = (join: RunMemory["join"]): RunMemory => ({
    limitBytes: 1 << 20,
    maxSockets: 100,
    join,
    watch: () => () => {},
    settle: () => {},
    exceeded: () => undefined,
    release: () => {},
  });

  it("is joined before the runner counts as ready (joining runs off the event loop)", async () => {
    const events: string[] = [];
    let finishJoin = () => {};
    const memory = fakeMemory(async () => {
      events.push("join");
      await new Promise<void>((r) => {
        finishJoin = r;
      });
      events.push("joined");
    });
    const p = new WarmProcess(launcher, undefined, memory);
    const ready = p.ready.then(() => events.push("ready"));
    await sleep(500); // the runner said ready long ago; its join has not finished
    expect(events).toEqual(["join"]);
    finishJoin();
    await ready;
    expect(events).toEqual(["join", "joined", "ready"]);
    p.kill();
    await p.closed;
  });

  it("that cannot be joined keeps the runner from ever getting a job", async () => {
    const memory = fakeMemory(async () => {
      await sleep(50);
      throw new Error("EACCES: cgroup.procs");
    });
    const p = new WarmProcess(launcher, undefined, memory);
    await expect(p.ready).rejects.toThrow(/memory limit: EACCES: cgroup.procs/);
    await p.closed;
  });
});

describe("process isolation (explicit opt-in)", () => {
  it("runs with an empty environment, an unprivileged uid and the same policy", async () => {
    process.env.CR_PROCESS_CANARY = "PROCESS-CANARY";
    const sb = await makeSandbox(testUid(62500), {
      kind: "process",
      allowProcess: true,
      poolSize: 1,
    });
    try {
      expect(sb.isolation).toBe("process");
      expect((await run(sb, "print('hi')")).stdout).toBe("hi\n");
      expect((await run(sb, "import socket")).security_violations[0]?.type).toBe(
        "forbidden_import",
      );
      const sec = await runUnchecked(sb, `${ESCAPE}\nprint(B.open("/proc/self/status").read())`);
      // Loaded by the runner itself here. python3-seccomp is a required system package
      // (scripts/system-packages.txt; CI's set-up step fails without it), so its absence
      // fails this test rather than skipping the check.
      expect((await probeHostPaths("/usr/bin/python3")).seccomp).toEqual(expect.any(String));
      expect(sec.stdout).toMatch(/Seccomp:\s+2/);
      const r = await runUnchecked(sb, `${ESCAPE}\nprint(sorted(os.environ), os.getuid())`);
      expect(r.stdout).not.toContain("PROCESS-CANARY");
      // Only what CPython's own locale coercion (PEP 538) sets, glibc's arena cap, the
      // runner's fixed settings for the bundled libraries and its search path, home and
      // user name.
      const keys = JSON.parse(r.stdout.split("] ")[0]?.concat("]").replaceAll("'", '"') ?? "[]");
      for (const key of keys as string[]) {
        expect(key).toMatch(
          /^(LC_CTYPE|MALLOC_ARENA_MAX|OPENBLAS_NUM_THREADS|OMP_NUM_THREADS|MKL_NUM_THREADS|MPLBACKEND|MPLCONFIGDIR|MATPLOTLIBRC|PATH|HOME|USER|LOGNAME)$/,
        );
      }
      expect(Number(r.stdout.trim().split(" ").at(-1))).toBeGreaterThanOrEqual(testUid(62500));
      expect(Number(r.stdout.trim().split(" ").at(-1))).toBeLessThan(testUid(62500) + 32);
      const t = await run(sb, "print('partial')\nwhile True: pass", { timeoutMs: 500 });
      expect(t.timed_out).toBe(true);
      expect(t.stdout).toBe("partial\n");
    } finally {
      delete process.env.CR_PROCESS_CANARY;
      await sb.close();
    }
  });

  it("kills what a run left behind under its uid, even outside its process group", async () => {
    const sb = await makeSandbox(testUid(62540), {
      kind: "process",
      allowProcess: true,
      poolSize: 1,
    });
    const marker = `PROCLEFT_${process.pid}`;
    try {
      const r = await runUnchecked(
        sb,
        `${ESCAPE}
if os.fork() == 0:
    os.setsid()
    os.execv("/usr/bin/python3", ["python3", "-c", "import time; time.sleep(60)  # ${marker}"])
time = B.__import__("time")
time.sleep(0.3)
print("done")`,
      );
      expect(r.stdout).toBe("done\n");
      for (let i = 0; i < 40 && processesWithMarker(marker).length > 0; i++) await sleep(50);
      expect(processesWithMarker(marker)).toEqual([]);
    } finally {
      await sb.close();
    }
  });
});

describe("nothing left on disk by a server killed at any moment (issue 10 item 9)", () => {
  it("the compiled seccomp filter reaches bwrap and the fork servers through a pipe, never a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cr-tmpdir-"));
    chmodSync(dir, 0o755); // as /tmp lets the sandbox uids reach what the server keeps there
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir; // where a temporary file of the server's would go
    const base = testUid(63700);
    try {
      for (const [i, mode] of (["spawn", "fork"] as const).entries()) {
        const sb = await makeSandbox(base + i * 64, {
          poolSize: 1,
          maxConcurrent: 1,
          uidCount: 8,
          mode,
        });
        try {
          expect(sb.mode).toBe(mode);
          // The filter is in force (installed by bwrap, or by the fork server's child)...
          const r = await runUnchecked(
            sb,
            "print(open('/proc/self/status').read().split('Seccomp:')[1].split()[0])",
          );
          expect(r.stdout).toBe("2\n");
          // ...and nothing of it is on disk: only the content-addressed caches, which are
          // meant to outlive the process (matplotlib's font list, the runtime copy).
          expect(readdirSync(dir).filter((n) => !n.startsWith("code-remote-"))).toEqual([]);
        } finally {
          await sb.close();
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
