// Scale-out over real brokers: two API processes and workers as child processes, jobs
// through SQS (ElasticMQ), live output through Postgres LISTEN/NOTIFY. A job submitted on
// API A streams to a socket open on API B; a worker SIGKILLed mid-job leaves the job to
// another worker, and the client still gets exactly one result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/database.js";
import { createPostgresDatabase } from "../helpers/databases.js";
import { freePort } from "../helpers/net.js";
import { testUid } from "../helpers/uids.js";
import { Service } from "./processes.js";
import {
  type Broker,
  createFifoQueues,
  sqsClient,
  startBroker,
  TEST_CREDENTIALS,
  type TestQueues,
} from "./sqs-helpers.js";
import { sleep, TestWsClient } from "./ws-client.js";

const VISIBILITY_SECONDS = 3;
let broker: Broker;
let queues: TestQueues;
let db: { url: string; drop(): Promise<void> };
let dataDir: string;
let env: Record<string, string>;
let apiA: string;
let apiB: string;
const services: Service[] = [];
let uidBase = testUid(500_000) + Number(process.env.VITEST_POOL_ID ?? 0) * 10_000;

function start(script: "main" | "worker", extra: Record<string, string> = {}): Service {
  uidBase += 256;
  const s = Service.start(script, { ...env, SANDBOX_UID_BASE: String(uidBase), ...extra });
  services.push(s);
  return s;
}

async function startWorker(): Promise<Service> {
  const w = start("worker");
  await w.waitForOutput(/worker ready/);
  return w;
}

beforeAll(async () => {
  broker = await startBroker();
  const client = sqsClient(broker.endpoint);
  queues = await createFifoQueues(client, {
    visibilityTimeout: VISIBILITY_SECONDS,
    maxReceiveCount: 5,
  });
  client.destroy();
  db = await createPostgresDatabase();
  const database = await openDatabase({ databaseUrl: db.url, dataDir: "memory://" });
  await database.migrate();
  await database.close();
  dataDir = mkdtempSync(join(tmpdir(), "cr-scale-"));
  env = {
    ENVIRONMENT: "test",
    LOG_LEVEL: "info",
    DATA_DIR: dataDir,
    SERVE_WEB: "false",
    DATABASE_URL: db.url,
    JWT_SECRET: "scale-out-test-secret-0123456789abcdef",
    JOB_QUEUE: "sqs",
    SQS_ENDPOINT: broker.endpoint,
    EXECUTION_QUEUE_URL: queues.queueUrl,
    NOTIFIER: "postgres",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    SANDBOX_POOL_SIZE: "1",
    SANDBOX_UID_COUNT: "32",
    EXECUTION_RATE_LIMIT_PER_MINUTE: "1000",
  };
  const [portA, portB] = [await freePort(), await freePort()];
  apiA = `http://127.0.0.1:${portA}`;
  apiB = `http://127.0.0.1:${portB}`;
  const a = start("main", { PORT: String(portA) });
  const b = start("main", { PORT: String(portB) });
  await Promise.all([a.waitForHttp(apiA), b.waitForHttp(apiB), startWorker()]);
}, 180_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await queues?.delete();
  await db?.drop();
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signUp(base: string): Promise<{ token: string }> {
  const email = `scale-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const body = JSON.stringify({ email, password: "correct horse battery" });
  const headers = { "content-type": "application/json" };
  const reg = await fetch(`${base}/auth/register`, { method: "POST", headers, body });
  expect(reg.status).toBe(201);
  const login = await fetch(`${base}/auth/login`, { method: "POST", headers, body });
  return { token: ((await login.json()) as { access_token: string }).access_token };
}

async function submit(base: string, token: string, body: unknown): Promise<string> {
  const res = await fetch(`${base}/execute/async`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { job_id: string }).job_id;
}

async function poll(base: string, token: string, jobId: string) {
  const res = await fetch(`${base}/executions/${jobId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as { status: string; result?: Record<string, unknown> };
}

describe("two API processes and workers over SQS + Postgres LISTEN/NOTIFY", () => {
  it("a job submitted on API A streams to a socket on API B, then one result", async () => {
    const { token } = await signUp(apiA);
    const ws = await TestWsClient.connect(apiB, token);
    const connectionId = await ws.connectionId();
    const code = "import time\nfor i in range(4):\n    print('tick', i)\n    time.sleep(0.1)\n";
    const jobId = await submit(apiA, token, { code, connection_id: connectionId });

    const result = await ws.waitFor(
      (m) => m.type === "execution_result" && m.job_id === jobId,
      30_000,
    );
    const forJob = ws.messages.filter((m) => m.job_id === jobId);
    const outputs = forJob.filter((m) => m.type === "execution_output");
    expect(outputs.length).toBeGreaterThanOrEqual(1);
    expect(forJob.at(-1)?.type).toBe("execution_result");
    expect(outputs.map((m) => m.data).join("")).toBe("tick 0\ntick 1\ntick 2\ntick 3\n");
    expect(result.success).toBe(true);

    const polled = await poll(apiB, token, jobId);
    expect(polled.status).toBe("completed");
    expect(polled.result?.stdout).toBe(result.stdout);
    ws.close();
  });

  it("input and cancel reach a job running in a worker process (LISTEN/NOTIFY job control)", async () => {
    const { token } = await signUp(apiA);
    const ws = await TestWsClient.connect(apiB, token);
    const connectionId = await ws.connectionId();
    const code =
      "name = input('name? ')\nprint('hi', name)\nimport time\nwhile True:\n    print('.', flush=True)\n    time.sleep(0.05)";
    const jobId = await submit(apiA, token, {
      code,
      connection_id: connectionId,
      interactive: true,
    });

    const ask = await ws.waitFor(
      (m) => m.type === "execution_input_request" && m.job_id === jobId,
      30_000,
    );
    expect(ask.prompt).toBe("name? ");
    ws.send({ action: "stdin", job_id: jobId, data: "Grace\n" });
    await ws.waitFor((m) => m.type === "execution_output" && /hi Grace/.test(String(m.data)));

    // Cancel through the other API process's HTTP route; the worker stops the run.
    const res = await fetch(`${apiA}/executions/${jobId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const job = (await res.json()) as { status: string; result: Record<string, unknown> };
    expect(job.status).toBe("completed");
    expect(job.result).toMatchObject({ success: false, error_type: "Cancelled" });
    expect(String(job.result.stdout)).toMatch(/^name\? hi Grace\n\.\n/);
    const result = await ws.waitFor((m) => m.type === "execution_result" && m.job_id === jobId);
    expect(result.stdout).toBe(job.result.stdout);
    ws.close();
  });

  it("a worker SIGKILLed mid-job: another worker re-runs it; one result reaches the client", async () => {
    const { token } = await signUp(apiB);
    const ws = await TestWsClient.connect(apiA, token);
    const connectionId = await ws.connectionId();
    const code = "import time\nfor i in range(15):\n    print('step', i)\n    time.sleep(0.1)\n";
    const jobId = await submit(apiB, token, { code, connection_id: connectionId });

    // The job is running on the only worker: kill that worker and its sandboxes at once.
    await ws.waitFor((m) => m.type === "execution_output" && m.job_id === jobId, 30_000);
    const victim = services.find((s) => !s.exited && /worker ready/.test(s.output));
    victim?.kill("SIGKILL");
    expect((await poll(apiA, token, jobId)).status).toBe("running");

    await startWorker();
    const result = await ws.waitFor(
      (m) => m.type === "execution_result" && m.job_id === jobId,
      60_000,
    );
    expect(result.success).toBe(true);
    expect(result.stdout).toMatch(/^step 0\n[\s\S]*step 14\n$/);
    await sleep(VISIBILITY_SECONDS * 1000 + 1000);
    expect(
      ws.messages.filter((m) => m.type === "execution_result" && m.job_id === jobId),
    ).toHaveLength(1);

    const polled = await poll(apiA, token, jobId);
    expect(polled.status).toBe("completed");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const row = await client.query("SELECT attempts FROM executions WHERE job_id = $1", [jobId]);
    await client.end();
    expect(row.rows[0]?.attempts).toBe(2);
    ws.close();
  });
});
