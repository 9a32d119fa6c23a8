// `npm run bench:fairness` (issue 10 item 5): one user's single-run latency while 20 other
// users flood the server, next to the same latency on the idle server measured in the same
// run — for sync POST /execute and for async jobs. The real server runs in a child process.
// Async jobs take their turn from the jobs table (execution-job-repo.ts othersGoFirst), the
// rule every worker of the shared queue applies. BENCH_SERVER_SCRIPT points at another
// entry (e.g. an older checkout) to compare; BENCH_MODES=async (or sync) runs one mode only.
// BENCH_TOPOLOGY=workers measures the async path across processes instead: an API process
// and BENCH_WORKERS (2) `worker.ts` processes of one sandbox slot each, sharing a FIFO queue
// on ElasticMQ (TEST_SQS_ENDPOINT, else a private one) and a fresh PostgreSQL database —
// there no process sees more than its own slot, so only the turn read from the database
// can let the victim overtake the backlogs.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../server/src/platform/db/database.js";
import { createPostgresDatabase } from "../server/test/helpers/databases.js";
import { freePort } from "../server/test/helpers/net.js";
import { Service } from "../server/test/jobs/processes.js";
import {
  createFifoQueues,
  sqsClient,
  startBroker,
  TEST_CREDENTIALS,
} from "../server/test/jobs/sqs-helpers.js";
import { signIn, startServer } from "./lib/server-process.js";

const FLOODERS = Number(process.env.BENCH_FLOODERS ?? 20);
const PER_FLOODER = Number(process.env.BENCH_PER_FLOODER ?? 10);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const MODES = (process.env.BENCH_MODES ?? "sync,async").split(",").map((m) => m.trim());
/** A short run of the flood: ~0.2 s of sleep, so slots turn over quickly. */
const FLOOD_CODE = "import time\ntime.sleep(0.2)\nprint('flood')";
const VICTIM_CODE = "print('me')";

type Headers = Record<string, string>;
const json = { "content-type": "application/json" };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function runSync(url: string, headers: Headers, code: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${url}/execute`, {
    method: "POST",
    headers: { ...headers, ...json },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json()) as { success?: boolean; error?: string };
  if (!res.ok || !body.success)
    throw new Error(`run failed: ${res.status} ${JSON.stringify(body)}`);
  return performance.now() - t;
}

/** Async jobs accepted so far: the victim comes once the whole flood is queued. */
let accepted = 0;

async function runAsync(url: string, headers: Headers, code: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${url}/execute/async`, {
    method: "POST",
    headers: { ...headers, ...json },
    body: JSON.stringify({ code }),
  });
  if (res.status !== 202) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  const { job_id } = (await res.json()) as { job_id: string };
  accepted += 1;
  for (;;) {
    const job = (await (await fetch(`${url}/executions/${job_id}`, { headers })).json()) as {
      status: string;
    };
    if (job.status === "completed") return performance.now() - t;
    if (job.status === "failed") throw new Error(`job failed: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Runner = typeof runSync;

async function measure(
  url: string,
  flood: Headers[],
  victim: Headers,
  run: Runner,
): Promise<{ idle: number; loaded: number[]; floodRun: number; floodTotal: number }> {
  const idle: number[] = [];
  for (let i = 0; i < SAMPLES; i++) idle.push(await run(url, victim, VICTIM_CODE));
  const floodRun = await run(url, flood[0] as Headers, FLOOD_CODE);
  const started = performance.now();
  let done = 0;
  const all = flood.flatMap((h) =>
    Array.from({ length: PER_FLOODER }, () => run(url, h, FLOOD_CODE).then(() => done++)),
  );
  // Let the backlog build: the flood is queued and running before the victim arrives.
  const queued = accepted + all.length;
  while (done < 2 || (run === runAsync && accepted < queued))
    await new Promise((r) => setTimeout(r, 10));
  const loaded: number[] = [];
  for (let i = 0; i < SAMPLES && done < all.length; i++)
    loaded.push(await run(url, victim, VICTIM_CODE));
  await Promise.all(all);
  return { idle: median(idle), loaded, floodRun, floodTotal: performance.now() - started };
}

const TOPOLOGY = process.env.BENCH_TOPOLOGY ?? "embedded";
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

/** API + workers over SQS (ElasticMQ) and PostgreSQL; see the header. */
async function startWorkers(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const broker = await startBroker();
  const client = sqsClient(broker.endpoint);
  const queues = await createFifoQueues(client, { visibilityTimeout: 30, maxReceiveCount: 25 });
  client.destroy();
  const db = await createPostgresDatabase();
  const database = await openDatabase({ databaseUrl: db.url, dataDir: "memory://" });
  await database.migrate();
  await database.close();
  const env = {
    ENVIRONMENT: "test",
    LOG_LEVEL: "info",
    DATA_DIR: dataDir,
    SERVE_WEB: "false",
    DATABASE_URL: db.url,
    JWT_SECRET: "fairness-bench-secret-0123456789abcdef",
    JOB_QUEUE: "sqs",
    SQS_ENDPOINT: broker.endpoint,
    EXECUTION_QUEUE_URL: queues.queueUrl,
    NOTIFIER: "postgres",
    RUN_WORKERS_IN_PROCESS: "false",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    SANDBOX_POOL_SIZE: "1",
    SANDBOX_MAX_CONCURRENT: "1",
    SANDBOX_UID_COUNT: "32",
    EXECUTION_RATE_LIMIT_PER_MINUTE: "100000",
    LOGIN_RATE_LIMIT_PER_ACCOUNT: "0",
    LOGIN_RATE_LIMIT_PER_CLIENT: "0",
    SIGNUP_RATE_LIMIT_PER_CLIENT: "0",
  };
  const uidBase = Number(process.env.TEST_SANDBOX_UID_OFFSET ?? 0) + 700_000;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const services = [
    Service.start("main", { ...env, PORT: String(port), SANDBOX_UID_BASE: String(uidBase) }),
    ...Array.from({ length: WORKERS }, (_, i) =>
      Service.start("worker", { ...env, SANDBOX_UID_BASE: String(uidBase + 256 * (i + 1)) }),
    ),
  ];
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
    await queues.delete();
    await db.drop();
    await broker.stop();
  };
  try {
    await Promise.all([
      services[0]?.waitForHttp(url),
      ...services.slice(1).map((w) => w.waitForOutput(/worker ready/)),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-fair-"));
  const server =
    TOPOLOGY === "workers"
      ? await startWorkers(dataDir)
      : await startServer(
          { DATA_DIR: dataDir, EXECUTION_RATE_LIMIT_PER_MINUTE: "100000" },
          process.env.BENCH_SERVER_SCRIPT,
        );
  if (TOPOLOGY === "workers") MODES.splice(0, MODES.length, "async");
  try {
    const stamp = Date.now();
    const flood = await Promise.all(
      Array.from({ length: FLOODERS }, (_, i) =>
        signIn(server.url, `flood${i}-${stamp}@example.com`),
      ),
    );
    const victim = await signIn(server.url, `victim-${stamp}@example.com`);
    console.log(
      `fairness (${TOPOLOGY === "workers" ? `API + ${WORKERS} workers of one slot over SQS and PostgreSQL` : "one embedded server"}): ${FLOODERS} users × ${PER_FLOODER} runs of ~0.2 s flood the server while one other user runs \`${VICTIM_CODE}\` ${SAMPLES}× (cores ${availableParallelism()}, load ${loadavg()[0]?.toFixed(1)})`,
    );
    const modes = [
      ["sync", "sync  POST /execute      ", runSync],
      ["async", "async POST /execute/async", runAsync],
    ] as const;
    for (const [, name, run] of modes.filter(([mode]) => MODES.includes(mode))) {
      const r = await measure(server.url, flood, victim, run);
      const loaded = median(r.loaded);
      console.log(
        `${name}: victim idle ${fmt(r.idle)}, under flood median ${fmt(loaded)} (max ${fmt(Math.max(...r.loaded))}) → ratio ${(loaded / r.idle).toFixed(1)}×; first sample ${fmt(r.loaded[0] ?? Number.NaN)} of ${r.loaded.length}; waited ${fmt(loaded - r.idle)} beyond idle = ${((loaded - r.idle) / r.floodRun).toFixed(1)} flood runs; one flood run ${fmt(r.floodRun)}; the flood took ${fmt(r.floodTotal)}`,
      );
    }
    console.log(
      "goal: the victim waits about one run per slot (≈ one flood run), not for the backlog (≈ the whole flood)",
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
