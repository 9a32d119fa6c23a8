// Entry points that compose only what they need (issue 12, item 1). An API process or Lambda
// with SANDBOX=none starts no sandbox: POST /execute becomes a job on the real SQS FIFO queue
// (ElasticMQ) and waits for the worker Lambda's result; the WebSocket and migrate Lambdas
// never start one. Their settings name an interpreter that does not exist, so any attempt
// to start a sandbox would fail the build.
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiHandler, createApiHandler } from "../../src/lambda/api-handler.js";
import { runMigrations } from "../../src/lambda/migrate-handler.js";
import { createWorkerHandler, type WorkerHandler } from "../../src/lambda/worker-handler.js";
import { createWsHandler } from "../../src/lambda/ws-handler.js";
import { ConfigError, loadSettings, type Settings } from "../../src/platform/config.js";
import { type FakeApiGateway, startFakeApiGateway } from "../helpers/apigateway-server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";
import { httpEvent, lambdaContext, sqsRecordOf } from "../helpers/lambda-events.js";
import { testUid } from "../helpers/uids.js";
import {
  type Broker,
  createFifoQueues,
  sqsClient,
  startBroker,
  TEST_CREDENTIALS,
  type TestQueues,
} from "../jobs/sqs-helpers.js";

const logger = pino({ level: "silent" });
const NO_PYTHON = "/nonexistent/python3";

let broker: Broker;
let client: SQSClient;
let queues: TestQueues;
let gateway: FakeApiGateway;
let testDb: TestDatabase;
let apiSettings: Settings;
let api: ApiHandler;
let headers: { authorization: string };

function settingsFor(env: Record<string, string>): Settings {
  return loadSettings({
    ENVIRONMENT: "test",
    LOG_LEVEL: "silent",
    SERVE_WEB: "false",
    JWT_SECRET: "sandboxless-test-secret-sandboxless-test",
    JOB_QUEUE: "sqs",
    SQS_ENDPOINT: broker.endpoint,
    EXECUTION_QUEUE_URL: queues.queueUrl,
    NOTIFIER: "apigateway",
    APIGATEWAY_ENDPOINT: gateway.endpoint,
    AWS_REGION: "us-east-1",
    ...(testDb.url ? { DATABASE_URL: testDb.url } : {}),
    ...env,
  });
}

const call = async (method: string, path: string, body?: unknown) => {
  const res = await api.handler(httpEvent(method, path, { body, headers }), lambdaContext);
  return { status: res.statusCode, body: JSON.parse(res.body ?? "null") };
};

/** Lambda's SQS poller in miniature: receive, invoke the worker, stop when told. */
function startPoller(worker: WorkerHandler): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["All"],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) continue;
      const { batchItemFailures } = await worker.handler({ Records: messages.map(sqsRecordOf) });
      const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of messages) {
        if (failed.has(m.MessageId as string)) continue;
        await client.send(
          new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: m.ReceiptHandle }),
        );
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

beforeAll(async () => {
  broker = await startBroker();
  client = sqsClient(broker.endpoint);
  queues = await createFifoQueues(client, { visibilityTimeout: 5, maxReceiveCount: 5 });
  gateway = await startFakeApiGateway();
  vi.stubEnv("AWS_ACCESS_KEY_ID", TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", TEST_CREDENTIALS.secretAccessKey);
  testDb = await createTestDatabase("postgres");
  apiSettings = settingsFor({
    SANDBOX: "none",
    PYTHON_PATH: NO_PYTHON,
    EXECUTION_TIMEOUT_SECONDS: "5",
    EXECUTION_QUEUE_WAIT_SECONDS: "3",
    EXECUTION_RATE_LIMIT_PER_MINUTE: "100",
  });
  api = await createApiHandler(apiSettings, { database: testDb.database, logger });
  const creds = { email: "sandboxless@example.com", password: "sandboxless-password" };
  await api.handler(httpEvent("POST", "/auth/register", { body: creds }), lambdaContext);
  const login = await api.handler(httpEvent("POST", "/auth/login", { body: creds }), lambdaContext);
  headers = { authorization: `Bearer ${JSON.parse(login.body ?? "{}").access_token}` };
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await api?.close();
  await testDb?.drop();
  await gateway?.close();
  await queues?.delete();
  client?.destroy();
});

describe("settings", () => {
  it("SANDBOX=none needs a queue with workers elsewhere and runs no jobs in process", () => {
    expect(apiSettings.queue.runJobsInProcess).toBe(false);
    expect(apiSettings.search.syncInProcess).toBe(false);
    const problems = (env: Record<string, string>) => {
      try {
        loadSettings(env);
        return [];
      } catch (err) {
        return err instanceof ConfigError ? err.problems.join("\n") : String(err);
      }
    };
    expect(problems({ SANDBOX: "none" })).toMatch(/SANDBOX=none: needs JOB_QUEUE=sqs/);
    expect(
      problems({
        SANDBOX: "none",
        JOB_QUEUE: "sqs",
        EXECUTION_QUEUE_URL: "http://127.0.0.1:9/q.fifo",
        RUN_WORKERS_IN_PROCESS: "true",
      }),
    ).toMatch(
      /RUN_JOBS_IN_PROCESS=true \(or RUN_WORKERS_IN_PROCESS=true\): a process with SANDBOX=none cannot run jobs/,
    );
  });
});

describe("API Lambda with SANDBOX=none", () => {
  it("starts without a sandbox and /health/ready says runs go to the queue", async () => {
    const res = await api.handler(httpEvent("GET", "/health/ready"), lambdaContext);
    const body = JSON.parse(res.body ?? "{}");
    expect(res.statusCode).toBe(200);
    expect(body.dependencies.sandbox).toMatchObject({ status: "ok", isolation: "none" });
    expect(body.dependencies.execution).toEqual({
      status: "ok",
      runs: "queue",
      async_runs: "queue",
      queue: "sqs",
    });
  });

  it("reports analysis unavailable without a Gemini key rather than failing each call", async () => {
    const status = await api.handler(httpEvent("GET", "/analyze/status"), lambdaContext);
    expect(JSON.parse(status.body ?? "{}")).toEqual({ available: false, provider: null });
    const res = await call("POST", "/analyze", { code: "x = 1" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, available: false });
  });

  describe("with the worker Lambda consuming the queue", () => {
    let worker: WorkerHandler;
    let poller: { stop(): Promise<void> };
    beforeAll(async () => {
      worker = await createWorkerHandler(
        settingsFor({
          SANDBOX: "process",
          ALLOW_PROCESS_SANDBOX: "true",
          SANDBOX_POOL_SIZE: "1",
          SANDBOX_MAX_CONCURRENT: "1",
          SANDBOX_UID_BASE: String(testUid(190_000) + Number(process.env.VITEST_POOL_ID ?? 0) * 64),
        }),
        { database: testDb.database, logger },
      );
      poller = startPoller(worker);
    });
    afterAll(async () => {
      await poller?.stop();
      await worker?.close();
    });

    it("synchronous POST /execute hands the run to the worker and answers its result", async () => {
      const res = await call("POST", "/execute", {
        code: "print(sum(range(10)))\n1/0\n",
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: false,
        stdout: "45\n",
        error_type: "ZeroDivisionError",
        timed_out: false,
      });
      expect(res.body.stderr).toContain("ZeroDivisionError");
    });

    it("a run that times out in the worker answers 200 with timed_out and its output", async () => {
      const res = await call("POST", "/execute", {
        code: "import time\nprint('before', flush=True)\ntime.sleep(30)\n",
        timeout_seconds: 1,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ timed_out: true, success: false, stdout: "before\n" });
    });

    it("keeps the seed's 400 for a program the policy refuses", async () => {
      const res = await call("POST", "/execute", {
        code: "import socket\nsocket.create_connection(('example.com', 80))\n",
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("security_violation");
      expect(res.body.security_violations[0]).toMatchObject({ line: 1 });
    });

    it("words refusals as the original: SecurityError in a result, 'Syntax error' first", async () => {
      const syntax = await call("POST", "/execute", { code: "x = 1\ny = (2 +\n" });
      expect(syntax.status).toBe(400);
      expect(syntax.body.message).toMatch(/^Syntax error at line 2: /);
      expect(syntax.body.security_violations[0]).toMatchObject({ type: "syntax_error", line: 2 });
      const queued = await call("POST", "/execute/async", { code: "import socket\n" });
      expect(queued.status).toBe(202);
      let job = await call("GET", `/executions/${queued.body.job_id}`);
      for (let i = 0; i < 200 && job.body.status !== "completed"; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await call("GET", `/executions/${queued.body.job_id}`);
      }
      expect(job.body.result).toMatchObject({
        success: false,
        error_type: "SecurityError",
        error: "Code violates the security policy",
      });
      expect(job.body.result.security_violations[0]).toMatchObject({ line: 1 });
    });

    it("counts the run on the caller's snippet, and refuses someone else's", async () => {
      const snippet = await call("POST", "/snippets", { code: "print(1)" });
      const run = await call("POST", "/execute", {
        code: "print(1)",
        snippet_id: snippet.body.id,
      });
      expect(run.status).toBe(200);
      expect((await call("GET", `/snippets/${snippet.body.id}`)).body.execution_count).toBe(1);
      const foreign = await call("POST", "/execute", {
        code: "print(1)",
        snippet_id: "00000000-0000-4000-8000-000000000000",
      });
      expect(foreign.status).toBe(404);
    });
  });

  it("answers 503 naming the job when no worker finishes the run in time", async () => {
    const res = await call("POST", "/execute", {
      code: "print('nobody runs me')",
      timeout_seconds: 1,
    });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe("service_unavailable");
    const jobId = /job ([0-9a-f-]{36})/.exec(res.body.message)?.[1];
    expect(jobId).toBeDefined();
    const job = await call("GET", `/executions/${jobId}`);
    expect(job.status).toBe(200);
    expect(job.body.status).toBe("queued");
  });
});

describe("Lambdas that never run code", () => {
  it("the WebSocket Lambda builds without a sandbox even when the settings name one", async () => {
    const settings = settingsFor({
      SANDBOX: "bwrap",
      PYTHON_PATH: NO_PYTHON,
      WS_ALLOW_ANONYMOUS: "false",
    });
    const ws = await createWsHandler(settings, {
      database: testDb.database,
      logger,
    });
    try {
      const res = await ws.handler({
        requestContext: {
          routeKey: "$connect",
          eventType: "CONNECT",
          connectionId: "NoSandboxConn=",
        },
        queryStringParameters: {},
      } as never);
      expect(res.statusCode).toBe(401);
    } finally {
      await ws.close();
    }
  });

  it("the migrate Lambda applies migrations without a sandbox", async () => {
    const settings = settingsFor({ SANDBOX: "bwrap", PYTHON_PATH: NO_PYTHON });
    expect(await runMigrations(settings)).toMatchObject({ status: "ok" });
  });

  it("a process that must run code still refuses to start without its interpreter", async () => {
    await expect(
      createApiHandler(settingsFor({ SANDBOX: "bwrap", PYTHON_PATH: NO_PYTHON }), {
        database: testDb.database,
        logger,
      }),
    ).rejects.toThrow(/sandbox could not start/);
  });
});
