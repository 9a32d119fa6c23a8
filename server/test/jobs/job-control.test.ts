// Job control across processes over the real PostgreSQL: a sender that does not run the
// job reaches the process that does, in order, with large and awkward input intact.
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createJobControl,
  type JobCommand,
  LocalJobControl,
  PostgresJobControl,
} from "../../src/jobs/realtime/job-control.js";
import { createPostgresDatabase } from "../helpers/databases.js";

const logger = pino({ level: "silent" });
let db: { url: string; drop(): Promise<void> };
const pools: pg.Pool[] = [];

beforeAll(async () => {
  db = await createPostgresDatabase();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

const pool = (applicationName = "job-control-test") => {
  const p = new pg.Pool({ connectionString: db.url, max: 3, application_name: applicationName });
  p.on("error", () => {}); // an idle client killed below; the pool replaces it
  pools.push(p);
  return p;
};

async function terminate(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const r = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PostgresJobControl", () => {
  it("carries a job's commands from a sender to the process running it, in order", async () => {
    const worker = new PostgresJobControl({ pool: pool(), logger, listen: true });
    await worker.start();
    const api = await createJobControl({ pool: pool(), listen: false, logger });
    const got: JobCommand[] = [];
    const detach = worker.attach("job-1", (c) => got.push(c));
    const big = `${'\u0000\n"é😀'.repeat(3000)}end`; // escapes grow it past one NOTIFY
    await api.send("job-1", { action: "stdin", data: "1\n" });
    await api.send("job-1", { action: "stdin", data: big });
    await api.send("job-2", { action: "cancel" }); // runs nowhere: dropped
    await api.send("job-1", { action: "stdin_close" });
    await api.send("job-1", { action: "cancel" });
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(4);
    expect(got).toEqual([
      { action: "stdin", data: "1\n" },
      { action: "stdin", data: big },
      { action: "stdin_close" },
      { action: "cancel" },
    ]);
    detach();
    await api.send("job-1", { action: "cancel" });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(4);
    await api.close();
    await worker.close();
  });

  it("delivers in-process without a round trip, and PGlite (no pool) stays local", async () => {
    const both = new PostgresJobControl({ pool: pool(), logger, listen: false });
    const got: JobCommand[] = [];
    both.attach("j", (c) => got.push(c));
    await both.send("j", { action: "cancel" });
    expect(got).toEqual([{ action: "cancel" }]);
    await both.close();
    const local = await createJobControl({ pool: undefined, listen: true, logger });
    expect(local).toBeInstanceOf(LocalJobControl);
    expect(local).not.toBeInstanceOf(PostgresJobControl);
  });

  it("re-listens after its connection dies, and a connection killed after close() stays quiet", async () => {
    const worker = new PostgresJobControl({ pool: pool("jc-relisten"), logger, listen: true });
    await worker.start();
    const api = await createJobControl({ pool: pool(), listen: false, logger });
    const got: JobCommand[] = [];
    worker.attach("job-r", (c) => got.push(c));
    expect(await terminate("jc-relisten")).toBeGreaterThan(0);
    await sleep(1500); // the reconnect waits one second
    await api.send("job-r", { action: "cancel" });
    await expect.poll(() => got, { timeout: 5000 }).toEqual([{ action: "cancel" }]);

    // close() hands the listening client back to the pool; killing it there must not reach
    // the closed control (a second release throws out of pg-pool as an uncaught exception).
    const p = pool("jc-closed");
    const closed = new PostgresJobControl({ pool: p, logger, listen: true });
    await closed.start();
    await closed.close();
    expect(p.idleCount).toBe(1);
    expect(await terminate("jc-closed")).toBe(1);
    await sleep(200);
    const r = await p.query("SELECT 1 AS one");
    expect(r.rows[0]?.one).toBe(1);
    await api.close();
    await worker.close();
  });
});
