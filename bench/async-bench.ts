// `npm run bench:async`: latency of async execution as a client sees it, over a real
// WebSocket, for a program printing a line every 100 ms for 1 s.
//   memory    — the embedded default: one process, memory queue, in-process worker, local hub
//   elasticmq — SQS (ElasticMQ) + PostgreSQL LISTEN/NOTIFY: API process + worker process
// Reports submit → first execution_output, first print → its arrival (the program prints
// its own clock first), and submit → execution_result: p50 / p99. Goal: first chunk within
// 150 ms of the first print on the memory queue. Then, for Stop and interactive input:
// WebSocket cancel of a printing program → its execution_result (goal: within 200 ms), and
// a line sent with `stdin` → the program's echo of it as execution_output.
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
  cancelMs?: number;
  inputEchoMs?: number;
}

const TICKER = "import time\nwhile True:\n    print('tick', flush=True)\n    time.sleep(0.02)";
const ECHO = "while True:\n    print('echo', input())";

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
  // Stop and interactive input, on the same connection.
  for (let i = 0; i < runs + WARMUP; i++) {
    const submit = async (body: object) => {
      const res = await fetch(`${url}/execute/async`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ ...body, connection_id: connectionId }),
      });
      if (res.status !== 202) throw new Error(`submit: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { job_id: string }).job_id;
    };
    let from = ws.messages.length;
    const ticker = await submit({ code: TICKER });
    await ws.waitFor((m) => m.type === "execution_output" && m.job_id === ticker, 30_000, from);
    const cancelAt = performance.now();
    ws.send({ action: "cancel", job_id: ticker });
    const cancelled = await ws.waitFor(
      (m) => m.type === "execution_result" && m.job_id === ticker,
      30_000,
      from,
    );
    const cancelMs = performance.now() - cancelAt;
    if (cancelled.error_type !== "Cancelled")
      throw new Error(`not cancelled: ${cancelled.error_type}`);

    from = ws.messages.length;
    const echo = await submit({ code: ECHO, interactive: true });
    await ws.waitFor(
      (m) => m.type === "execution_input_request" && m.job_id === echo,
      30_000,
      from,
    );
    const at = ws.messages.length;
    const sentAt = performance.now();
    ws.send({ action: "stdin", job_id: echo, data: `line ${i}\n` });
    await ws.waitFor(
      (m) => m.type === "execution_output" && m.job_id === echo && String(m.data).includes("echo"),
      30_000,
      at,
    );
    const inputEchoMs = performance.now() - sentAt;
    ws.send({ action: "stdin_close", job_id: echo });
    await ws.waitFor((m) => m.type === "execution_result" && m.job_id === echo, 30_000, from);
    const sample = samples[i - WARMUP];
    if (sample) Object.assign(sample, { cancelMs, inputEchoMs });
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
  console.log(
    row(
      "cancel → execution_result (Cancelled)",
      samples.map((s) => s.cancelMs ?? Number.NaN),
    ),
  );
  console.log(
    row(
      "stdin → the program's echo",
      samples.map((s) => s.inputEchoMs ?? Number.NaN),
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
  for (const [name, samples] of [
    ["memory", memory],
    ["separate worker", sqs],
  ] as const) {
    const c = samples.map((s) => s.cancelMs ?? Number.NaN);
    const ok = pct(c, 99) <= 200 ? "met" : pct(c, 50) <= 200 ? "met at p50 only" : "missed";
    console.log(
      `goal (${name}): cancel ends the run within 200 ms: p50 ${pct(c, 50).toFixed(1)} ms, p99 ${pct(c, 99).toFixed(1)} ms, ${ok}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
