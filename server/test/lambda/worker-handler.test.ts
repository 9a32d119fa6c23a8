// The execution worker as Lambda runs it (lambda/worker-handler.ts): jobs submitted through
// the real API land in a real SQS FIFO queue (ElasticMQ); each test receives the message as
// Lambda's poller would and invokes the handler with the SQS event Lambda builds from it.
// Output and results go to a local stand-in for the API Gateway Management API.
import { randomUUID } from "node:crypto";
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { eq } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Sandbox } from "../../src/execution/sandbox/sandbox.js";
import { DbConnectionRegistry } from "../../src/jobs/realtime/db-connection-registry.js";
import { createWorkerHandler, type WorkerHandler } from "../../src/lambda/worker-handler.js";
import { loadSettings, type Settings } from "../../src/platform/config.js";
import { executions } from "../../src/platform/db/schema/index.js";
import { type FakeApiGateway, startFakeApiGateway } from "../helpers/apigateway-server.js";
import { sqsRecordOf as recordOf } from "../helpers/lambda-events.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import {
  type Broker,
  createFifoQueues,
  sqsClient,
  startBroker,
  TEST_CREDENTIALS,
  type TestQueues,
} from "../jobs/sqs-helpers.js";

const LEASE_SECONDS = 2;
const logger = pino({ level: "silent" });

let broker: Broker;
let client: SQSClient;
let queues: TestQueues;
let gateway: FakeApiGateway;
let t: TestApp;
let workerSettings: Settings;
let alice: { headers: { authorization: string }; id: string };
const connection = "AliceConn1234=";

async function receive(max = 10, waitSeconds = 2): Promise<Message[]> {
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queues.queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  return out.Messages ?? [];
}

const eventOf = (messages: Message[]): SQSEvent => ({ Records: messages.map(recordOf) });

/** Invokes the handler as Lambda's SQS poller does: then deletes the records that did not fail. */
async function invoke(worker: WorkerHandler, messages: Message[]) {
  const out = await worker.handler(eventOf(messages));
  const failed = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of messages) {
    if (failed.has(m.MessageId as string)) continue;
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queues.queueUrl, ReceiptHandle: m.ReceiptHandle }),
    );
  }
  return out;
}

async function submit(code: string): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/execute/async",
    headers: alice.headers,
    payload: { code, connection_id: connection },
  });
  expect(res.statusCode).toBe(202);
  return (res.json() as { job_id: string }).job_id;
}

const jobRow = async (jobId: string) =>
  (await t.testDb.database.db.select().from(executions).where(eq(executions.jobId, jobId)))[0];

beforeAll(async () => {
  broker = await startBroker();
  client = sqsClient(broker.endpoint);
  queues = await createFifoQueues(client, { visibilityTimeout: LEASE_SECONDS, maxReceiveCount: 5 });
  gateway = await startFakeApiGateway();
  // What Lambda gives a function: its role's credentials in the environment.
  vi.stubEnv("AWS_ACCESS_KEY_ID", TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", TEST_CREDENTIALS.secretAccessKey);
  const shared = {
    JOB_QUEUE: "sqs",
    SQS_ENDPOINT: broker.endpoint,
    EXECUTION_QUEUE_URL: queues.queueUrl,
    NOTIFIER: "apigateway",
    APIGATEWAY_ENDPOINT: gateway.endpoint,
    AWS_REGION: "us-east-1",
    RUN_WORKERS_IN_PROCESS: "false",
  };
  t = await createTestApp("pglite", shared);
  alice = await t.signUp("lambda-worker");
  await new DbConnectionRegistry(t.testDb.database.db).add(connection, alice.id);
  workerSettings = loadSettings({
    ...shared,
    ENVIRONMENT: "test",
    LOG_LEVEL: "silent",
    DATA_DIR: t.dataDir,
    SANDBOX: "process",
    ALLOW_PROCESS_SANDBOX: "true",
    SANDBOX_POOL_SIZE: "1",
    SANDBOX_MAX_CONCURRENT: "1",
    SANDBOX_UID_BASE: String(Number(t.settings.execution.uidBase) + 128),
  });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.close();
  await gateway?.close();
  await queues?.delete();
  client?.destroy();
});

describe("worker Lambda", () => {
  let worker: WorkerHandler;
  beforeAll(async () => {
    worker = await createWorkerHandler(workerSettings, { database: t.testDb.database, logger });
  });
  afterAll(async () => worker?.close());

  it("runs a queued job, streams its output and result to the owner's connection, reports no failure", async () => {
    const jobId = await submit("for i in range(3):\n    print('line', i)\n");
    const messages = await receive(1);
    expect(messages).toHaveLength(1);
    const out = await invoke(worker, messages);
    expect(out).toEqual({ batchItemFailures: [] });
    const row = await jobRow(jobId);
    expect(row?.status).toBe("completed");
    expect(row?.result).toMatchObject({ success: true, stdout: "line 0\nline 1\nline 2\n" });
    const sent = gateway.messagesTo(connection).filter((m) => m.job_id === jobId);
    const streamed = sent
      .filter((m) => m.type === "execution_output")
      .map((m) => m.data)
      .join("");
    expect(streamed).toBe("line 0\nline 1\nline 2\n");
    expect(sent.at(-1)).toMatchObject({ type: "execution_result", success: true });
  });

  it("keeps the job's lease while a run outlasts the queue's visibility timeout", async () => {
    const jobId = await submit("import time\ntime.sleep(3.5)\nprint('done')\n");
    const messages = await receive(1);
    const running = invoke(worker, messages);
    // Well past the 2 s lease: had it lapsed, the message would be handed out again.
    let seenAgain = 0;
    for (let i = 0; i < 3; i++) seenAgain += (await receive(1, 1)).length;
    expect(await running).toEqual({ batchItemFailures: [] });
    expect(seenAgain).toBe(0);
    expect((await jobRow(jobId))?.result).toMatchObject({ stdout: "done\n" });
  });

  it("drops a message that is not a job instead of retrying it forever", async () => {
    const record = recordOf({
      MessageId: randomUUID(),
      ReceiptHandle: "handle",
      Body: "not json",
      MD5OfBody: "x",
      Attributes: { MessageGroupId: "g" },
    });
    expect(await worker.handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
  });
});

describe("worker Lambda when a run fails", () => {
  let worker: WorkerHandler;
  // An injected sandbox that breaks, as a lost interpreter would: the processor retries.
  const broken: Sandbox = {
    isolation: "process",
    run: async () => {
      throw new Error("the interpreter went away");
    },
    runTool: async () => {
      throw new Error("unused");
    },
    stats: () => ({ warm: 0, busy: 0, queued: 0 }),
    close: async () => {},
  };
  beforeAll(async () => {
    worker = await createWorkerHandler(workerSettings, {
      database: t.testDb.database,
      sandbox: broken,
      logger,
    });
  });
  afterAll(async () => worker?.close());

  it("hands the record back with its retry delay and holds the user's later records behind it", async () => {
    const first = await submit("print(1)");
    const second = await submit("print(2)");
    const messages = await receive(10);
    expect(messages.map((m) => JSON.parse(m.Body as string).job_id)).toEqual([first, second]);
    const out = await invoke(worker, messages);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      messages.map((m) => m.MessageId),
    );
    // The first was tried once and waits for its retry; the second was never touched.
    expect(await jobRow(first)).toMatchObject({ status: "queued", attempts: 1 });
    expect(await jobRow(second)).toMatchObject({ status: "queued", attempts: 0 });
    // Released with the processor's back-off (2 s for a first attempt), not at once.
    expect(await receive(10, 0)).toHaveLength(0);
    const again = await receive(10, 5);
    expect(again.map((m) => JSON.parse(m.Body as string).job_id)).toContain(first);
  });
});
