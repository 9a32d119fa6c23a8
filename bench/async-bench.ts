// `npm run bench:async`: latency of async execution as a client sees it, over a real
// WebSocket, for a program printing a line every 100 ms for 1 s.
//   memory    — the embedded default: one process, memory queue, in-process worker, local hub
//   elasticmq — SQS (ElasticMQ) + PostgreSQL LISTEN/NOTIFY: API process + worker process
// Reports submit → first execution_output, first print → its arrival (the program prints
// its own clock first), and submit → execution_result: p50 / p99. Goal: first chunk within
// 150 ms of the first print on the memory queue.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startElasticMq } from "../server/test/fixtures/java-services.js";
import { createPostgresDatabase } from "../server/test/helpers/databases.js";
import { Service } from "../server/test/jobs/processes.js";
import { createFifoQueues, sqsClient, TEST_CREDENTIALS } from "../server/test/jobs/sqs-helpers.js";
import { TestWsClient } from "../server/test/jobs/ws-client.js";
import { signIn, startServer } from "./lib/server-process.js";

const RUNS = Number(process.env.BENCH_ASYNC_RUNS ?? 20);
const WARMUP = 3;
const PROGRAM = `import time
print("t0", repr(time.time()))
for i in range(10):
    time.sleep(0.1)
    print("tick", i)
`;

interface Sample {
  firstChunkMs: number;
  printToChunkMs: number;
  resultMs: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

async function measure(url: string, runs: number): Promise<Sample[]> {
  const auth = await signIn(url, `async-bench-${Date.now()}@example.com`);
  const ws = await TestWsClient.connect(url, auth.authorization?.slice(7));
  const connectionId = await ws.connectionId();
  const samples: Sample[] = [];
  for (let i = 0; i < runs + WARMUP; i++) {
    const from = ws.messages.length;
    const submittedAt = performance.now() + performance.timeOrigin;
    const res = await fetch(`${url}/execute/async`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ code: PROGRAM, connection_id: connectionId }),
    });
    if (res.status !== 202) throw new Error(`submit: ${res.status} ${await res.text()}`);
    const { job_id } = (await res.json()) as { job_id: string };
    const first = await ws.waitFor(
      (m) => m.type === "execution_output" && m.job_id === job_id,
      30_000,
      from,
    );
    const firstAt = Date.now();
    await ws.waitFor((m) => m.type === "execution_result" && m.job_id === job_id, 30_000, from);
    const resultAt = Date.now();
    const printedAt = Number(/t0 ([\d.]+)/.exec(String(first.data))?.[1]) * 1000;
    if (i >= WARMUP) {
      samples.push({
        firstChunkMs: firstAt - submittedAt,
        printToChunkMs: firstAt - printedAt,
        resultMs: resultAt - submittedAt,
      });
    }
  }
  ws.close();
  return samples;
}

function report(mode: string, samples: Sample[]): void {
  const row = (label: string, xs: number[]) =>
    `  ${label.padEnd(34)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms`;
  console.log(`\n${mode} (${samples.length} runs)`);
  console.log(
    row(
      "submit → first execution_output",
      samples.map((s) => s.firstChunkMs),
    ),
  );
  console.log(
    row(
      "first print → its execution_output",
      samples.map((s) => s.printToChunkMs),
    ),
  );
  console.log(
    row(
      "submit → execution_result",
      samples.map((s) => s.resultMs),
    ),
  );
}

async function benchMemory(): Promise<Sample[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-async-bench-"));
  const server = await startServer({
    DATA_DIR: dataDir,
    EXECUTION_RATE_LIMIT_PER_MINUTE: "1000000",
  });
  try {
    return await measure(server.url, RUNS);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchElasticMq(): Promise<Sample[]> {
  const broker = await startElasticMq();
  const client = sqsClient(broker.endpoint);
  const queues = await createFifoQueues(client, { visibilityTimeout: 30, maxReceiveCount: 5 });
  const db = await createPostgresDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "cr-async-bench-"));
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    JWT_SECRET: "async-bench-secret-0123456789abcdefghij",
    JOB_QUEUE: "sqs",
    SQS_ENDPOINT: broker.endpoint,
    EXECUTION_QUEUE_URL: queues.queueUrl,
    NOTIFIER: "postgres",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    EXECUTION_RATE_LIMIT_PER_MINUTE: "1000000",
    SANDBOX_POOL_SIZE: "1",
  };
  const server = await startServer({ ...env, AUTO_MIGRATE: "true", SANDBOX_UID_BASE: "700000" });
  const worker = Service.start("worker", { ...env, LOG_LEVEL: "info", SANDBOX_UID_BASE: "710000" });
  try {
    await worker.waitForOutput(/worker ready/);
    return await measure(server.url, RUNS);
  } finally {
    await worker.stop();
    await server.stop();
    await queues.delete();
    client.destroy();
    await db.drop();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const memory = await benchMemory();
  report("memory queue, local hub (embedded)", memory);
  const sqs = await benchElasticMq();
  report("ElasticMQ (SQS) + Postgres LISTEN/NOTIFY, separate worker", sqs);
  const lags = memory.map((s) => s.printToChunkMs);
  const [p50, p99] = [pct(lags, 50), pct(lags, 99)];
  const verdict = p99 <= 150 ? "met" : p50 <= 150 ? "met at p50 only" : "missed";
  console.log(
    `\ngoal (memory): first chunk within 150 ms of the first print: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${verdict}`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
