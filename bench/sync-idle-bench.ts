// `npm run bench:sync-idle`: the CPU an idle server burns, the way `npm start` runs it
// (`node server/dist/main.js`, PGlite, the search sync in process, the sandbox pool warm).
// Nothing is sent to it: after it answers /health and settles, its own utime+stime (from
// /proc, the server process only, not its sandbox runners) is read over an idle window.
// Then, busy: back-to-back `print("hello")` runs at concurrency 1 for BENCH_BUSY_S seconds,
// and the server process's CPU per run (the idle sync's share shows up here as well).
// With BENCH_BASE_DIR=<another checkout, built> the same is measured for that server too,
// rounds interleaved so machine noise hits both alike (the sync's 250 ms poll before the
// wake-on-commit loop was measured this way; docs/search.md has the numbers).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { testUid } from "../server/test/helpers/uids.js";
import { jsonClient } from "./lib/http-client.js";
import { pct, statFields } from "./lib/proc.js";
import { signIn, startServer } from "./lib/server-process.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 5);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 20);
const BUSY_S = Number(process.env.BENCH_BUSY_S ?? 10);
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"]).stdout.toString().trim() || 100);

interface Variant {
  name: string;
  dir: string;
}

const variants: Variant[] = [{ name: "this tree", dir: resolve(".") }];
if (process.env.BENCH_BASE_DIR) {
  variants.unshift({
    name: `base (${process.env.BENCH_BASE_DIR})`,
    dir: process.env.BENCH_BASE_DIR,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of `pid`, in ms. */
function cpuMs(pid: number): number {
  const f = statFields(pid);
  return (((f[11] as number) + (f[12] as number)) * 1000) / CLK_TCK;
}

async function start(v: Variant, uidBase: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-sync-idle-"));
  const server = await startServer(
    {
      DATA_DIR: dataDir,
      SANDBOX_UID_BASE: String(uidBase),
      SANDBOX_UID_COUNT: "64",
      EXECUTION_RATE_LIMIT_PER_MINUTE: "1000000",
    },
    "server/dist/main.js",
    v.dir,
  );
  return {
    url: server.url,
    pid: server.child.pid as number,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  for (const v of variants) {
    const built = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale"], {
      cwd: v.dir,
      stdio: "inherit",
    });
    if (built.status !== 0) throw new Error(`${v.name}: build failed`);
  }
  const results = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const perRun = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const loads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, v] of variants.entries()) {
      const server = await start(v, testUid(61_000 + i * 256));
      try {
        await sleep(SETTLE_S * 1000);
        const before = cpuMs(server.pid);
        await sleep(IDLE_S * 1000);
        const perSecond = (cpuMs(server.pid) - before) / IDLE_S;
        results.get(v.name)?.push(perSecond);
        loads.push(loadavg()[0] as number);
        // Busy at concurrency 1, after a warm-up.
        const client = jsonClient(server.url, await signIn(server.url, "sync-idle@example.com"));
        const run = async () => {
          const res = await client.post<{ success: boolean }>("/execute", {
            code: 'print("hello")',
            timeout_seconds: 10,
          });
          if (res.status !== 200 || !res.body.success) throw new Error("execute failed");
        };
        for (let i = 0; i < 30; i++) await run();
        const busy0 = cpuMs(server.pid);
        const end = Date.now() + BUSY_S * 1000;
        let runs = 0;
        while (Date.now() < end) {
          await run();
          runs++;
        }
        const cpuPerRun = (cpuMs(server.pid) - busy0) / runs;
        client.close();
        perRun.get(v.name)?.push(cpuPerRun);
        console.log(
          `round ${round + 1} ${v.name}: ${perSecond.toFixed(2)} ms CPU/s idle; ` +
            `${cpuPerRun.toFixed(2)} ms server CPU per run at c=1 (${runs} runs)`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  console.log(
    `\nidle server CPU over ${IDLE_S} s after ${SETTLE_S} s settling, ${ROUNDS} rounds (load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}):`,
  );
  console.log("| server | median ms CPU/s | min | max |");
  console.log("|---|---|---|---|");
  const table = (m: Map<string, number[]>) => {
    for (const [name, xs] of m) {
      console.log(
        `| ${name} | ${pct(xs, 50).toFixed(2)} | ${Math.min(...xs).toFixed(2)} | ${Math.max(...xs).toFixed(2)} |`,
      );
    }
  };
  table(results);
  console.log(`\nserver CPU per run, back-to-back runs at concurrency 1 for ${BUSY_S} s:`);
  console.log("| server | median ms/run | min | max |");
  console.log("|---|---|---|---|");
  table(perRun);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
