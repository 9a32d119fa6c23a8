// `npm run bench:start`: how long the server takes from spawn to its first answer on /health,
// and the memory its process tree holds once up — running the compiled JavaScript (today's
// `npm start`) against the TypeScript loader it used before (`tsx server/src/main.ts`, the
// baseline, measured in the same run, rounds interleaved so machine noise hits both alike).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../server/test/helpers/net.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Variant {
  name: string;
  command: string;
  args: string[];
}

const VARIANTS: Variant[] = [
  {
    name: "before: tsx server/src/main.ts",
    command: "node_modules/.bin/tsx",
    args: ["server/src/main.ts"],
  },
  {
    name: "after:  node server/dist/main.js",
    command: process.execPath,
    args: ["server/dist/main.js"],
  },
  {
    name: "after:  npm start (npm + prestart checks)",
    command: "npm",
    args: ["start", "--silent"],
  },
];

interface Sample {
  startMs: number;
  /** Resident memory of every node process of the server (not the Python sandboxes). */
  nodeRssMb: number;
  /** The whole tree: node processes plus the warm sandboxes. */
  treeRssMb: number;
}

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces or parentheses: the ppid follows the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  return byParent;
}

function treeRss(root: number): { node: number; total: number } {
  const byParent = children();
  let node = 0;
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    stack.push(...(byParent.get(pid) ?? []));
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? "";
      total += kb;
      if (name.startsWith("node") || name === "MainThread") node += kb;
    } catch {
      // gone meanwhile
    }
  }
  return { node: node / 1024, total: total / 1024 };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-(child.pid as number), "SIGTERM");
  await exited;
}

async function measure(v: Variant, dataDir: string): Promise<Sample> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(v.command, v.args, {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      SERVE_WEB: "false",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true, // its own process group, so stop() ends npm, node and the sandbox host
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${v.name} exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 120_000) throw new Error(`${v.name}: no answer in 120 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const startMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1500)); // let the warm pool settle
    const rss = treeRss(child.pid as number);
    return { startMs, nodeRssMb: rss.node, treeRssMb: rss.total };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main(): Promise<void> {
  const build = spawnSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
  // A restart, not a first start: PGlite creating its database (seconds) would drown the
  // difference, so one unmeasured start initialises the data directory all rounds share.
  const dataDir = mkdtempSync(join(tmpdir(), "cr-start-bench-"));
  const samples = new Map<string, Sample[]>(VARIANTS.map((v) => [v.name, []]));
  try {
    await measure(VARIANTS[1] as Variant, dataDir);
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of VARIANTS) samples.get(v.name)?.push(await measure(v, dataDir));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const base = samples.get(VARIANTS[0]?.name as string) as Sample[];
  const baseStart = median(base.map((s) => s.startMs));
  const baseNode = median(base.map((s) => s.nodeRssMb));
  console.log(`start-up to the first /health answer, and RSS once up (median of ${ROUNDS})`);
  console.log(
    "variant                                      start ms  ×base   node RSS MiB  ×base   tree RSS MiB",
  );
  for (const v of VARIANTS) {
    const s = samples.get(v.name) as Sample[];
    const start = median(s.map((x) => x.startMs));
    const node = median(s.map((x) => x.nodeRssMb));
    const tree = median(s.map((x) => x.treeRssMb));
    console.log(
      `${v.name.padEnd(44)} ${start.toFixed(0).padStart(8)}  ${(start / baseStart).toFixed(2).padStart(5)}  ${node.toFixed(1).padStart(12)}  ${(node / baseNode).toFixed(2).padStart(5)}  ${tree.toFixed(1).padStart(12)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
