// A real server process (`npm start`'s entry, through tsx), started the way a shell or a
// supervisor starts it: with descriptors open that it never asked for — here two on a
// root-only 0600 secret file, one read-write, one append-only (issue 10 item 3). Every run
// tries to read and write through every descriptor number; the host side (the file, the
// descriptors each process below the server holds) must show nothing reached a sandbox,
// on the spawn path, the fork path and under `process` isolation. The same servers show
// what a sandbox host killed under a run does (item 9): 503 in the envelope for the
// in-flight POST /execute, the next run on a new host, an async job retried.
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/net.js";
import { testUid } from "../../helpers/uids.js";
import { Service } from "../../jobs/processes.js";
import { ESCAPE, processesOfUids } from "./helpers.js";

const UID_BASE = testUid(700_000) + Number(process.env.VITEST_POOL_ID ?? 0) * 4096;
const SECRET = `SECRET-${process.pid}-${Date.now()}`;
/** The numbers the server finds them at: low, middle and above the runner's RLIMIT_NOFILE. */
const INHERITED = { rw: 9, append: 40, high: 100 };

let secretDir: string;
let secretPath: string;
let dataDir: string;
const fds: number[] = [];
const servers: { mode: string; service: Service; base: string }[] = [];

async function startServer(mode: "spawn" | "fork" | "process", i: number) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = Service.start(
    "main",
    {
      ENVIRONMENT: "test",
      LOG_LEVEL: "info",
      DATA_DIR: join(dataDir, mode),
      SERVE_WEB: "false",
      PORT: String(port),
      JWT_SECRET: "server-process-test-secret-0123456789abcdef",
      EXECUTION_RATE_LIMIT_PER_MINUTE: "1000",
      SANDBOX_POOL_SIZE: "1",
      SANDBOX_UID_BASE: String(UID_BASE + i * 256),
      SANDBOX_UID_COUNT: "32",
      ...(mode === "process"
        ? { SANDBOX: "process", ALLOW_PROCESS_SANDBOX: "true" }
        : { SANDBOX_MODE: mode }),
    },
    {
      [INHERITED.rw]: fds[0] as number,
      [INHERITED.append]: fds[1] as number,
      [INHERITED.high]: fds[0] as number,
    },
  );
  servers.push({ mode, service, base });
  await service.waitForHttp(base, 120_000);
  return { mode, service, base };
}

beforeAll(async () => {
  secretDir = mkdtempSync(join(tmpdir(), "cr-secret-")); // 0700, root's
  secretPath = join(secretDir, "secret.txt");
  writeFileSync(secretPath, `${SECRET}\n`, { mode: 0o600 });
  fds.push(openSync(secretPath, "r+"), openSync(secretPath, "a"));
  dataDir = mkdtempSync(join(tmpdir(), "cr-server-process-"));
  await Promise.all([startServer("spawn", 0), startServer("fork", 1), startServer("process", 2)]);
}, 240_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.service.stop()));
  for (const fd of fds) closeSync(fd);
  rmSync(secretDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const server = (mode: string) => servers.find((s) => s.mode === mode) as (typeof servers)[number];

async function signUp(base: string): Promise<Record<string, string>> {
  const email = `fd-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const body = JSON.stringify({ email, password: "correct horse battery" });
  const json = { "content-type": "application/json" };
  const reg = await fetch(`${base}/auth/register`, { method: "POST", headers: json, body });
  expect(reg.status).toBe(201);
  const login = await fetch(`${base}/auth/login`, { method: "POST", headers: json, body });
  const { access_token } = (await login.json()) as { access_token: string };
  return { ...json, authorization: `Bearer ${access_token}` };
}

function execute(base: string, headers: Record<string, string>, code: string, path = "/execute") {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ code, timeout_seconds: 10 }),
  });
}

/** Every process below `root` (not `root` itself). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.pop() as number;
    for (const [pid, ppid] of parent) {
      if (ppid === p) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** The server's sandbox host process (remote-sandbox.ts forks it). */
function sandboxHost(server: number): number | undefined {
  return descendants(server).find((pid) => cmdline(pid).includes("sandbox-host-main"));
}

/**
 * The process the warm pool lives in: on the fork path the server itself (its runners are
 * forked by the fork servers, so it spawns no bwrap per run and needs no host), elsewhere
 * the sandbox host.
 */
function poolProcess(server: number, mode: string): number {
  const host = sandboxHost(server);
  if (mode === "fork") {
    expect(host).toBeUndefined();
    return server;
  }
  expect(host).toBeDefined();
  return host as number;
}

/** Whether descriptor `fd` of `pid` is close-on-exec (no child it spawns can get it). */
function closeOnExec(pid: number, fd: string): boolean {
  const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"));
  return (Number.parseInt(flags?.[1] ?? "0", 8) & 0o2000000) !== 0;
}

/**
 * Every descriptor on the secret file held by the pool's process (one it could pass on:
 * not close-on-exec) or by any process below it (bwrap, fork servers, warm runners). (The
 * server's own other children, such as the TypeScript loader's esbuild service started
 * before the pool, are not sandboxes.)
 */
function holdersOfSecret(server: number, mode: string): string[] {
  const pool = poolProcess(server, mode);
  const holders: string[] = [];
  for (const pid of [pool, ...descendants(pool)]) {
    if (cmdline(pid).includes("esbuild")) continue;
    let entries: string[] = [];
    try {
      entries = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of entries) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== secretPath) continue;
        if (pid === pool && closeOnExec(pid, fd)) continue;
        holders.push(`${pid} fd ${fd}: ${cmdline(pid).slice(0, 120)}`);
      } catch {
        // gone
      }
    }
  }
  return holders;
}

// Tries every descriptor number: which are open, what reading them gives, and a write
// through each (not fd 3: the run's own control channel).
const PROBE = `
import json, os
opened = []
for fd in range(1024):
    try:
        os.fstat(fd)
        opened.append(fd)
    except OSError:
        pass
read = []
for fd in range(3, 1024):
    try:
        os.set_blocking(fd, False)
    except OSError:
        pass
    for how in (lambda: os.pread(fd, 4096, 0), lambda: os.read(fd, 4096)):
        try:
            data = how()
        except OSError:
            continue
        if data:
            read.append(data.decode("latin1"))
        break
    if fd != 3:
        try:
            os.write(fd, b"APPENDED-BY-A-RUN\\n")
        except OSError:
            pass
listing = sorted(int(x) for x in os.listdir("/proc/self/fd"))
print(json.dumps({"opened": opened, "listing": listing, "read": read}))
`;

describe("descriptors the server inherited never reach a run (issue 10 item 3)", () => {
  for (const mode of ["spawn", "fork", "process"]) {
    it(`${mode}: a run holds fds 0-3 only and cannot read or write the secret`, async () => {
      const { base, service } = server(mode);
      writeFileSync(secretPath, `${SECRET}\n`); // the same file (inode) the descriptors open
      const before = statSync(secretPath);
      const headers = await signUp(base);
      for (const code of [PROBE, `${ESCAPE}\n${PROBE}`]) {
        const res = await execute(base, headers, code);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { stdout: string; success: boolean };
        expect(body.success).toBe(true);
        expect(body.stdout).not.toContain(SECRET);
        const seen = JSON.parse(body.stdout) as { opened: number[]; read: string[] };
        expect(seen.opened).toEqual([0, 1, 2, 3]);
        expect(seen.read.join("")).not.toContain(SECRET);
      }
      // The host side: the file as it was, and no process of the pool holds it — not the
      // sandbox host (or, on the fork path, the server, which closed them before its fork
      // servers started), bwrap, a fork server or a warm runner.
      expect(readFileSync(secretPath, "utf8")).toBe(`${SECRET}\n`);
      expect(statSync(secretPath).mtimeMs).toBe(before.mtimeMs);
      expect(holdersOfSecret(service.child.pid as number, mode)).toEqual([]);
    });
  }
});

/** A run of this server that is executing user code now (its main.py is written). */
function runInFlight(uidBase: number): boolean {
  return processesOfUids(uidBase, 32).some((pid) => {
    // The runner itself: bwrap, of the same uid, has the host's root, not the run's /tmp.
    if (cmdline(pid).split(" ")[0] !== "/usr/bin/python3") return false;
    try {
      return statSync(`/proc/${pid}/root/tmp/main.py`).isFile();
    } catch {
      return false;
    }
  });
}

async function until(what: string, test: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("a sandbox host killed under a run (issue 10 item 9)", () => {
  const SLOW = "import time\nprint('start', flush=True)\ntime.sleep(3)\nprint('end')";
  const uidBase = UID_BASE; // the spawn server's range

  it("the in-flight POST /execute answers 503 in the envelope; the next run gets a new host", async () => {
    const { base, service } = server("spawn");
    const headers = await signUp(base);
    const pending = execute(base, headers, SLOW);
    await until("the run to start", () => runInFlight(uidBase));
    const host = sandboxHost(service.child.pid as number) as number;
    process.kill(host, "SIGKILL");
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({
      error: "service_unavailable",
      message: "The sandbox is unavailable; try again",
    });
    // Nothing of the killed run is left on the host (bwrap dies with its parent).
    await until("the run's processes to end", () => !runInFlight(uidBase));
    const next = await execute(base, headers, "print('again')");
    expect(next.status).toBe(200);
    expect(((await next.json()) as { stdout: string }).stdout).toBe("again\n");
    expect(sandboxHost(service.child.pid as number)).not.toBe(host);
  });

  it("an async job in flight is run again on the new host and completes", async () => {
    const { base, service } = server("spawn");
    const headers = await signUp(base);
    const accepted = await execute(base, headers, SLOW, "/execute/async");
    expect(accepted.status).toBe(202);
    const { job_id } = (await accepted.json()) as { job_id: string };
    await until("the job to start", () => runInFlight(uidBase));
    process.kill(sandboxHost(service.child.pid as number) as number, "SIGKILL");
    let job: { status: string; result?: { success: boolean; stdout: string } } = { status: "" };
    await until("the job to finish", async () => {
      const res = await fetch(`${base}/executions/${job_id}`, { headers });
      job = (await res.json()) as typeof job;
      return job.status === "completed" || job.status === "failed";
    });
    expect(job).toMatchObject({
      status: "completed",
      result: { success: true, stdout: "start\nend\n" },
    });
    // Two attempts ran code: the audit says so, one line each.
    const audits = service.output
      .split("\n")
      .filter((l) => l.includes('"audit":"execution"') && l.includes(job_id));
    expect(audits.map((l) => (JSON.parse(l) as { outcome: string }).outcome)).toEqual([
      "failure",
      "success",
    ]);
  });
});
