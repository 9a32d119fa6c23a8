// `npm run bench:api`: HTTP load from this process (autocannon) against the real server in a
// child process, on PostgreSQL and on PGlite. Baseline in the same run: GET /health, the
// cheapest route, so the snippet numbers read as a ratio of the framework's own ceiling.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createPostgresDatabase } from "../server/test/helpers/databases.js";
import { signIn, startServer } from "./lib/server-process.js";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Row {
  driver: string;
  route: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, opts: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...opts });
}

async function benchDriver(
  driver: "postgres" | "pglite",
): Promise<{ rows: Row[]; peakRssMb: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-bench-"));
  const pgDb = driver === "postgres" ? await createPostgresDatabase() : undefined;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    EXECUTION_RATE_LIMIT_PER_MINUTE: "1000000",
  };
  if (pgDb) Object.assign(env, { DATABASE_URL: pgDb.url, AUTO_MIGRATE: "true" });
  const server = await startServer(env);
  const rows: Row[] = [];
  try {
    const auth = await signIn(server.url, `bench-${driver}@example.com`);
    const json = { ...auth, "content-type": "application/json" };
    for (let i = 0; i < 50; i++) {
      await fetch(`${server.url}/snippets`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          code: `def f${i}(xs):\n    return sorted(xs)\n`,
          title: `snippet ${i}`,
          description: "benchmark row",
        }),
      });
    }
    const cases: [string, Partial<autocannon.Options>][] = [
      ["GET /health", { url: `${server.url}/health` }],
      ["GET /snippets (50 rows)", { url: `${server.url}/snippets?limit=50`, headers: auth }],
      [
        "POST /snippets",
        {
          url: `${server.url}/snippets`,
          method: "POST",
          headers: json,
          body: JSON.stringify({ code: "print('bench')", title: "bench" }),
        },
      ],
    ];
    for (const [route, opts] of cases) {
      const r = await load(server.url, opts);
      rows.push({
        driver,
        route,
        rps: Math.round(r.requests.average),
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.non2xx,
      });
    }
    return { rows, peakRssMb: server.peakRssMb() };
  } finally {
    await server.stop();
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Row[] = [];
const peaks: Record<string, number> = {};
for (const driver of ["postgres", "pglite"] as const) {
  const { rows, peakRssMb } = await benchDriver(driver);
  results.push(...rows);
  peaks[driver] = peakRssMb;
}

console.log(
  `\nAPI load: ${DURATION} s per case, ${CONNECTIONS} connections, autocannon in a separate process from the server`,
);
console.log("driver    route                       req/s    p50 ms  p99 ms  errors  vs /health");
for (const r of results) {
  const base = results.find((b) => b.driver === r.driver && b.route === "GET /health");
  const ratio = base ? (r.rps / base.rps).toFixed(2) : "-";
  console.log(
    `${r.driver.padEnd(9)} ${r.route.padEnd(27)} ${String(r.rps).padStart(6)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${ratio}`,
  );
}
for (const [d, mb] of Object.entries(peaks))
  console.log(`peak server RSS (${d}): ${mb.toFixed(0)} MiB`);
