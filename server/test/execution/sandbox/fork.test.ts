// The fork path (SANDBOX_MODE=fork): runners forked from warm fork servers. The attack
// suite and the rest of this folder run unchanged against it (SANDBOX_MODE=fork npx vitest
// run server/test/execution); these cases cover what only the fork path has.
import { readFileSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../../src/execution/sandbox/sandbox.js";
import { testUid } from "../../helpers/uids.js";
import {
  ESCAPE,
  makeSandbox,
  processesOfUids,
  run,
  runUnchecked,
  SELF_SIGNALS,
} from "./helpers.js";

const UID_BASE = testUid(62800);
const UID_COUNT = 16;
// The fork servers run as the uids right above the range.
const ZYGOTE_UIDS = [UID_BASE + UID_COUNT, 2] as const;
const NAMESPACES = ["pid", "mnt", "net", "ipc", "uts", "cgroup", "user"];

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox(UID_BASE, {
    uidCount: UID_COUNT,
    mode: "fork",
    poolSize: 2,
    maxConcurrent: 2,
  });
});
afterAll(() => sb.close());

const probe = `${ESCAPE}
print(os.getuid(), os.getpid(), sorted(os.listdir("/tmp")))
for ns in ${JSON.stringify(NAMESPACES)}:
    print(ns, os.readlink("/proc/self/ns/" + ns))
with B.open("/tmp/left-by-" + str(os.getuid()), "w") as f:
    f.write("x")
B.__import__("time").sleep(0.3)
`;

function parse(stdout: string) {
  const [head, ...rest] = stdout.trim().split("\n");
  const ns = Object.fromEntries(rest.map((l) => l.split(" ") as [string, string]));
  return { head: head as string, ns };
}

describe("fork path", () => {
  it("is the mode in use", () => {
    expect(sb.mode).toBe("fork");
    expect(sb.isolation).toBe("bwrap");
  });

  it("reaches its own streams by name: /dev/stdout, /dev/stderr, /dev/stdin, /dev/fd", async () => {
    // A system's /dev links, and stdout/stderr pipes that belong to the run, as at home
    // (csv.writer(open("/dev/stdout", "w")) is a common idiom); before, the first open
    // failed with a read-only file system, then (links made) with permission denied.
    const r = await run(
      sb,
      `import os
print("first", flush=True)
with open("/dev/stdout", "w") as out:
    out.write("by name\\n")
with open("/dev/stderr", "w") as err:
    err.write("to stderr\\n")
print(open("/dev/stdin").read().upper(), end="")
print(os.readlink("/dev/fd"), os.path.exists("/dev/fd/1"))`,
      { stdin: "piped in\n" },
    );
    expect(r.stderr).toBe("to stderr\n");
    expect(r.stdout).toBe("first\nby name\nPIPED IN\n/proc/self/fd True\n");
    expect(r.success).toBe(true);
  });

  it("gives each run new pid, mount, net, IPC, UTS and cgroup namespaces and its own uid", async () => {
    const [a, b] = await Promise.all([runUnchecked(sb, probe), runUnchecked(sb, probe)]);
    const pa = parse(a.stdout);
    const pb = parse(b.stdout);
    const [uidA, pidA, tmpA] = pa.head.split(" ");
    const [uidB] = pb.head.split(" ");
    expect(pidA).toBe("2"); // pid 1 is the run's init (zygote.py clone_init)
    expect(tmpA).toBe("['main.py']"); // a fresh /tmp (the program's own file only), whatever earlier runs left in theirs
    expect(uidA).not.toBe(uidB);
    for (const uid of [uidA, uidB]) {
      expect(Number(uid)).toBeGreaterThanOrEqual(UID_BASE);
      expect(Number(uid)).toBeLessThan(UID_BASE + UID_COUNT);
    }
    for (const ns of NAMESPACES) {
      const host = readlinkSync(`/proc/self/ns/${ns}`);
      expect(pa.ns[ns]).toMatch(/^\w+:\[\d+\]$/);
      expect(pa.ns[ns]).not.toBe(host);
      // Two runs share only the user namespace (of their fork server, if the same one).
      if (ns !== "user") expect(pa.ns[ns]).not.toBe(pb.ns[ns]);
    }
    const again = parse((await runUnchecked(sb, probe)).stdout);
    // A fresh /tmp holds only this run's program (the runner writes /tmp/main.py).
    expect(again.head.split(" ")[2]).toBe("['main.py']");
  });

  it("holds no capability and cannot regain one", async () => {
    const r = await runUnchecked(
      sb,
      `${ESCAPE}
status = B.open("/proc/self/status").read()
print([l for l in status.splitlines() if l.startswith(("Cap", "NoNewPrivs", "Seccomp:"))])
for fn, args in [(os.setuid, (${ZYGOTE_UIDS[0]},)), (os.setgid, (0,)), (os.chroot, ("/tmp",))]:
    try:
        fn(*args)
        print("allowed", fn.__name__)
    except OSError as e:
        print("refused", fn.__name__, e.errno)`,
    );
    for (const cap of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) {
      expect(r.stdout).toContain(`'${cap}:\\t0000000000000000'`);
    }
    expect(r.stdout).toContain("'NoNewPrivs:\\t1'");
    expect(r.stdout).toContain("'Seccomp:\\t2'");
    expect(r.stdout).not.toContain("allowed");
    expect(r.stdout.match(/refused/g)).toHaveLength(3);
  });

  it("runs the program as pid 2: its own signals end it as under python3", async () => {
    for (const { code, error } of SELF_SIGNALS) {
      const r = await run(sb, code);
      expect(r.stdout, code).toBe("");
      expect(r.error_type, code).toBe("ProcessKilled");
      expect(r.error?.startsWith(error), `${code}: ${r.error}`).toBe(true);
    }
    // The run's init is the fork server's uid: out of the program's reach.
    const r = await runUnchecked(
      sb,
      `${ESCAPE}
print(os.getpid(), os.getppid())
for f in ["/proc/1/mem", "/proc/1/environ", "/proc/1/root/proc/1/status"]:
    try:
        B.open(f, "rb").read(1)
        print("read", f)
    except OSError as e:
        print("refused", f, e.errno)
try:
    os.kill(1, 0)
except OSError as e:
    print("kill refused", e.errno)`,
    );
    expect(r.stdout).toBe(
      "2 0\nrefused /proc/1/mem 13\nrefused /proc/1/environ 13\nrefused /proc/1/root/proc/1/status 13\nkill refused 1\n",
    );
  });

  it("stops a run at its timeout through the fork server (SIGTERM, then SIGKILL)", async () => {
    const r = await run(sb, "print('before', flush=True)\nwhile True: pass", { timeoutMs: 400 });
    expect(r.timed_out).toBe(true);
    expect(r.stdout).toBe("before\n");
    const ignored = await runUnchecked(
      sb,
      `${ESCAPE}\nB.__import__("_signal").signal(15, 1)\nwhile True: pass`,
      400,
    );
    expect(ignored.timed_out).toBe(true);
  });

  it("cancels a run that has not started, and one that runs", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await sb.run({
      code: "print(1)",
      stdin: "",
      timeoutMs: 5000,
      enforcePolicy: true,
      signal: ac.signal,
    });
    expect(r.error_type).toBe("Cancelled");
    const live = new AbortController();
    setTimeout(() => live.abort(), 200);
    const r2 = await sb.run({
      code: "import time\ntime.sleep(5)",
      stdin: "",
      timeoutMs: 5000,
      enforcePolicy: true,
      signal: live.signal,
    });
    expect(r2.error_type).toBe("Cancelled");
  });

  it("replaces a fork server that was killed; the runs it held end, later runs work", async () => {
    const long = run(sb, "import time\ntime.sleep(10)\nprint('survived')", { timeoutMs: 15000 });
    await sleep(300);
    // The fork servers' Python (a crash), not their bwrap: bwrap reaps it and exits.
    // (Each run's init is a child of its fork server, of the same uid: not bwrap's child.)
    const comm = (pid: number) => readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    const parent = (pid: number) =>
      Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    const servers = processesOfUids(...ZYGOTE_UIDS).filter(
      (pid) => comm(pid) === "python3" && comm(parent(pid)) === "bwrap",
    );
    expect(servers).toHaveLength(2);
    for (const pid of servers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // ended with the one killed before it
      }
    }
    const r = await long;
    expect(r.success).toBe(false);
    expect(r.stdout).not.toContain("survived");
    let next = await run(sb, "print('after')").catch((e: Error) => e);
    for (let i = 0; i < 20 && !("stdout" in next && next.stdout === "after\n"); i++) {
      await sleep(100);
      next = await run(sb, "print('after')").catch((e: Error) => e);
    }
    expect(next).toMatchObject({ success: true, stdout: "after\n" });
  });

  it("leaves no process of the runs or the fork servers after close()", async () => {
    await run(sb, "print(1)");
    await sb.close();
    expect(processesOfUids(UID_BASE, UID_COUNT + ZYGOTE_UIDS[1])).toEqual([]);
  });
});

describe("mode selection", () => {
  it("spawns one bwrap per run when asked to", async () => {
    const spawned = await makeSandbox(testUid(62840), { uidCount: 8, mode: "spawn", poolSize: 1 });
    try {
      expect(spawned.mode).toBe("spawn");
      expect((await run(spawned, "print('spawned')")).stdout).toBe("spawned\n");
    } finally {
      await spawned.close();
    }
  });
});
