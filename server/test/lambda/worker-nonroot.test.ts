// The execution worker under the constraints Lambda runs it with (issue 12, item 2): a
// non-root uid in a process whose kernel refuses new user namespaces (no-userns.py: a
// seccomp filter, so bubblewrap cannot start), with `process` isolation allowed by the
// explicit setting. The worker Lambda's handler runs in that process on real SQS events
// from ElasticMQ; jobs come from the real API (itself without a sandbox), results and
// output go to a local stand-in for the API Gateway Management API.
import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ExecutionResult } from "../../src/execution/sandbox/sandbox.js";
import { DbConnectionRegistry } from "../../src/jobs/realtime/db-connection-registry.js";
import { processesWithMarker } from "../execution/sandbox/helpers.js";
import { type FakeApiGateway, startFakeApiGateway } from "../helpers/apigateway-server.js";
import { sqsRecordOf } from "../helpers/lambda-events.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { testUid } from "../helpers/uids.js";
import {
  type Broker,
  createFifoQueues,
  sqsClient,
  startBroker,
  TEST_CREDENTIALS,
  type TestQueues,
} from "../jobs/sqs-helpers.js";

/** The function's user: not root, and no other process on this machine runs as it. */
const WORKER_UID = testUid(64_100) + Number(process.env.VITEST_POOL_ID ?? 0);
const connection = "NonRootConn1=";

let broker: Broker;
let client: SQSClient;
let queues: TestQueues;
let gateway: FakeApiGateway;
let t: TestApp;
let alice: { headers: { authorization: string }; id: string };
let child: ChildProcess;
let replies: Interface;
let home = "";

const pending: ((line: string) => void)[] = [];

function ask<T>(request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.push((line) => {
      const reply = JSON.parse(line) as { ok: boolean; value?: T; error?: string };
      if (reply.ok) resolve(reply.value as T);
      else reject(new Error(reply.error));
    });
    child.stdin?.write(`${JSON.stringify(request)}\n`);
  });
}

const run = (code: string) => ask<ExecutionResult>({ op: "run", code });

async function waitGone(marker: string): Promise<number[]> {
  for (let i = 0; i < 40 && processesWithMarker(marker).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return processesWithMarker(marker);
}

// Gets the real os module past the builtins guard, as an escaped program would: the
// static policy is not the boundary, so these runs switch it off and meet the OS layer.
const ESCAPE = `
def _real_builtins():
    for c in ().__class__.__base__.__subclasses__():
        if c.__name__ == "BuiltinImporter":
            return c.load_module("builtins")
B = _real_builtins()
os = B.__import__("os")
time = B.__import__("time")
`;

beforeAll(async () => {
  broker = await startBroker();
  client = sqsClient(broker.endpoint);
  queues = await createFifoQueues(client, { visibilityTimeout: 10, maxReceiveCount: 5 });
  gateway = await startFakeApiGateway();
  vi.stubEnv("AWS_ACCESS_KEY_ID", TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", TEST_CREDENTIALS.secretAccessKey);
  const shared = {
    JOB_QUEUE: "sqs",
    SQS_ENDPOINT: broker.endpoint,
    EXECUTION_QUEUE_URL: queues.queueUrl,
    NOTIFIER: "apigateway",
    APIGATEWAY_ENDPOINT: gateway.endpoint,
    AWS_REGION: "us-east-1",
  };
  // The API as deployed: no sandbox of its own.
  t = await createTestApp("postgres", { ...shared, SANDBOX: "none" });
  alice = await t.signUp("nonroot");
  await new DbConnectionRegistry(t.testDb.database.db).add(connection, alice.id);

  home = mkdtempSync(join(tmpdir(), "cr-nonroot-"));
  chownSync(home, WORKER_UID, WORKER_UID);
  child = spawn(
    "/usr/bin/python3",
    [
      "-I",
      "server/test/helpers/no-userns.py",
      String(WORKER_UID),
      String(WORKER_UID),
      process.execPath,
      "--import",
      "tsx",
      "server/test/lambda/fixtures/worker-child.ts",
    ],
    {
      // What the worker function's configuration holds (infra/lib/code-remote-stack.ts).
      env: {
        PATH: "/usr/bin:/bin",
        HOME: home,
        TMPDIR: home,
        ...shared,
        ENVIRONMENT: "test",
        LOG_LEVEL: "silent",
        DATA_DIR: home,
        DATABASE_URL: t.testDb.url,
        SANDBOX: "process",
        ALLOW_PROCESS_SANDBOX: "true",
        SANDBOX_POOL_SIZE: "1",
        SANDBOX_MAX_CONCURRENT: "1",
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  replies = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  replies.on("line", (line) => pending.shift()?.(line));
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    await ask({ op: "close" }).catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  vi.unstubAllEnvs();
  await t?.close();
  await gateway?.close();
  await queues?.delete();
  client?.destroy();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("the worker Lambda as a non-root user without user namespaces", () => {
  it("really is constrained: not root, no_new_privs, bubblewrap and unshare refused", async () => {
    const p = await ask<{
      uid: number;
      gid: number;
      groups: number[];
      no_new_privs: string;
      bwrap: { status: number; stderr: string };
      unshare: { status: number; stderr: string };
    }>({ op: "probe" });
    expect(p.uid).toBe(WORKER_UID);
    expect(p.gid).toBe(WORKER_UID);
    expect(p.groups.filter((g) => g !== WORKER_UID)).toEqual([]);
    expect(p.no_new_privs).toBe("1");
    expect(p.bwrap.status).not.toBe(0);
    expect(p.bwrap.stderr).toMatch(/namespace/i);
    expect(p.unshare.status).not.toBe(0);
    expect(p.unshare.stderr).toMatch(/not permitted/i);
  });

  it("runs a job from a real SQS event and reports its output and result", async () => {
    const submitted = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers: alice.headers,
      payload: { code: "for i in range(3):\n    print('row', i)\n", connection_id: connection },
    });
    expect(submitted.statusCode).toBe(202);
    const jobId = (submitted.json() as { job_id: string }).job_id;
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl,
        WaitTimeSeconds: 2,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = received.Messages ?? [];
    expect(messages).toHaveLength(1);
    const out = await ask<SQSBatchResponse>({
      op: "event",
      event: { Records: messages.map(sqsRecordOf) },
    });
    expect(out).toEqual({ batchItemFailures: [] });
    for (const m of messages) {
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
    const job = await t.app.inject({ url: `/executions/${jobId}`, headers: alice.headers });
    expect(job.json()).toMatchObject({
      status: "completed",
      result: { success: true, stdout: "row 0\nrow 1\nrow 2\n" },
    });
    const sent = gateway.messagesTo(connection).filter((m) => m.job_id === jobId);
    expect(sent.at(-1)).toMatchObject({ type: "execution_result", success: true });
  });

  it("each run is a fresh process with an empty environment and the limits set", async () => {
    const probe = `${ESCAPE}
resource = B.__import__("resource")
marker = B.__dict__.setdefault("seen_before", os.getpid())
print(os.getpid(), marker, ",".join(sorted(os.environ)) or "-", os.getuid())
print(resource.getrlimit(resource.RLIMIT_AS)[0] >> 20, resource.getrlimit(resource.RLIMIT_NPROC)[0])
status = B.open("/proc/self/status").read()
print(status.count("NoNewPrivs:\\t1"), "Seccomp:\\t2" in status)
print(os.environ.get("HOME"), os.environ.get("USER"), os.environ.get("LOGNAME"), os.environ.get("PATH"))
`;
    const first = await run(probe);
    const second = await run(probe);
    expect(first.stderr).toBe("");
    expect(first.success).toBe(true);
    const [pid1, seen1, env1, uid1] = (first.stdout.split("\n")[0] ?? "").split(" ");
    const [pid2, seen2] = (second.stdout.split("\n")[0] ?? "").split(" ");
    expect(pid1).not.toBe(pid2);
    expect(seen1).toBe(pid1);
    expect(seen2).toBe(pid2); // nothing of the first run's state reached the second
    // Nothing of the worker's: at most the variable CPython sets itself when it coerces the
    // C locale to UTF-8 (PEP 538).
    // The standard profile's runner sets its own fixed variables (MALLOC_ARENA_MAX, the
    // matplotlib ones, a search path, a home and a user name); none of them may come from
    // the worker's environment: the four names a login also sets carry the runner's values
    // (checked below), every other name must be absent from the worker's.
    const own = new Set(["-", "LC_CTYPE", "HOME", "USER", "LOGNAME", "PATH"]);
    const leaked = (env1 ?? "-").split(",").filter((n) => !own.has(n) && n in process.env);
    expect(leaked).toEqual([]);
    expect(first.stdout.split("\n")[3]).toBe("/tmp sandbox sandbox /usr/bin:/bin");
    expect(Number(uid1)).toBe(WORKER_UID);
    const [asMb, nproc] = (first.stdout.split("\n")[1] ?? "").split(" ").map(Number);
    // The standard profile adds the address-space reserve the scientific libraries map but
    // never touch (launcher.ts addressReserveMb, 384 MiB) to the 256 MiB run limit.
    expect(asMb).toBe(256 + 384);
    // Counted over the whole uid, the worker's threads included: 16 on top of those.
    expect(nproc).toBeGreaterThan(16);
    expect(nproc).toBeLessThan(200);
    expect(first.stdout.split("\n")[2]).toBe("1 True");
  });

  it("keeps every process a run starts in its group: setsid, setpgid and CLONE_PARENT refused", async () => {
    const marker = `NONROOT_SETSID_${process.pid}`;
    const r = await run(`${ESCAPE}
for name, call in (("setsid", lambda: os.setsid()), ("setpgid", lambda: os.setpgid(0, 0))):
    try:
        call()
        print(name, "allowed", flush=True)
    except PermissionError:
        print(name, "refused", flush=True)
ctypes = B.__import__("ctypes")
libc = ctypes.CDLL(None, use_errno=True)
CLONE_PARENT = 0x00008000
rc = libc.syscall(56, CLONE_PARENT | 17, 0, 0, 0, 0)  # clone(CLONE_PARENT | SIGCHLD)
if rc == 0:
    os._exit(0)
print("clone_parent", "refused" if rc < 0 and ctypes.get_errno() == 1 else "allowed", flush=True)
if os.fork() == 0:
    try:
        os.setsid()
    except PermissionError:
        pass
    os.execv("/usr/bin/python3", ["python3", "-c", "import time; time.sleep(60)  # ${marker}"])
time.sleep(0.3)
print("parent done", flush=True)`);
    expect(r.stdout).toBe("setsid refused\nsetpgid refused\nclone_parent refused\nparent done\n");
    expect(await waitGone(marker)).toEqual([]);
  });

  it("kills what a run left running after the runner itself has exited, pipes closed or not", async () => {
    const marker = `NONROOT_DAEMON_${process.pid}`;
    const r = await run(`${ESCAPE}
if os.fork() == 0:
    if os.fork() == 0:
        for fd in range(64):
            try:
                os.close(fd)
            except OSError:
                pass
        os.execv("/usr/bin/python3", ["python3", "-c", "import time; time.sleep(60)  # ${marker}"])
    os._exit(0)
time.sleep(0.3)
print("left a daemon behind")`);
    expect(r.stdout).toBe("left a daemon behind\n");
    expect(await waitGone(marker)).toEqual([]);
  });

  it("a fork bomb ends inside its run and the next run works", async () => {
    const r = await run(`${ESCAPE}
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
        n += 1
except OSError as e:
    print("fork refused after", n, e.errno, flush=True)
`);
    expect(r.stdout).toMatch(/^fork refused after \d+ 11\n$/);
    const next = await run("print('fine')");
    expect(next.stdout).toBe("fine\n");
  });
});
