// `npm run bench:analyzer`: accuracy and speed of the offline static analyser.
//   accuracy — exact time-complexity class on the labelled set in bench/datasets/complexity
//              (10 programs per class), a second set written after the analyser (its first
//              run, before the fixes its misses prompted: 24/28), and
//              any labelled set under ../shared/datasets;
//              per-class accuracy and the confusion matrix (rows: label, columns: answer).
//   speed    — p50/p95 of analyze() inside one Python process (the analyser's own cost),
//              and of one call through the local tool runner (process spawn included) and
//              through the bubblewrap sandbox's warm pool (the server's path), when available.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import {
  ANALYZER_PYTHON_DIR,
  createLocalPythonToolRunner,
  type ToolRunner,
} from "../server/src/analysis/python-tool-runner.js";
import { createSandbox } from "../server/src/execution/sandbox/create-sandbox.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OWN_SET = join(ROOT, "bench", "datasets", "complexity", "manifest.json");
const HOLDOUT_SET = join(ROOT, "bench", "datasets", "complexity", "manifest-holdout.json");
const SHARED_DIRS = [resolve(ROOT, "..", "shared", "datasets"), "/work/shared/datasets"];
const CLASSES = ["O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)", "O(2^n)"];
const REPEATS = 5;

interface Program {
  id: string;
  code: string;
  label: string;
}

interface Manifest {
  programs: { file?: string; code?: string; time_complexity?: string; label?: string }[];
}

function loadManifest(path: string): Program[] {
  const manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  const base = dirname(path);
  return manifest.programs.flatMap((p, i) => {
    const label = p.time_complexity ?? p.label;
    const code = p.code ?? (p.file ? readFileSync(join(base, p.file), "utf8") : undefined);
    return label && code !== undefined ? [{ id: p.file ?? `#${i}`, code, label }] : [];
  });
}

/** Any manifest.json under the shared datasets folder that lists labelled programs. */
function sharedSets(): { name: string; programs: Program[] }[] {
  const out: { name: string; programs: Program[] }[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, depth: number) => {
    if (depth > 3 || !existsSync(dir) || seen.has(dir)) return;
    seen.add(dir);
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path, depth + 1);
      else if (entry.endsWith(".json")) {
        try {
          const programs = loadManifest(path);
          if (programs.length > 0) out.push({ name: path, programs });
        } catch {
          // not a labelled-program manifest
        }
      }
    }
  };
  for (const dir of SHARED_DIRS) visit(dir, 0);
  return out;
}

// Times analyze() in one interpreter: the analyser's own cost, without process start-up.
const TIMER = `
import json, sys, time
sys.path.insert(0, sys.argv[1])
from static_analyzer import analyze
codes = json.loads(sys.stdin.read())
out = []
for code in codes:
    times = []
    for _ in range(int(sys.argv[2])):
        t = time.perf_counter()
        r = analyze(code)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out.append({"time": r["time_complexity"], "error": r["error"], "ms": times[len(times) // 2]})
print(json.dumps(out))
`;

function analyseInProcess(
  programs: Program[],
): { time: string | null; error: string | null; ms: number }[] {
  const stdout = execFileSync(
    "/usr/bin/python3",
    ["-I", "-B", "-c", TIMER, ANALYZER_PYTHON_DIR, String(REPEATS)],
    { input: JSON.stringify(programs.map((p) => p.code)), maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout.toString("utf8"));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function report(name: string, programs: Program[]): number[] {
  const results = analyseInProcess(programs);
  const columns = [...CLASSES, "other"];
  const matrix = new Map<string, Map<string, number>>();
  const misses: string[] = [];
  let correct = 0;
  programs.forEach((p, i) => {
    const got = results[i]?.time ?? "error";
    const column = CLASSES.includes(got) ? got : "other";
    const row = matrix.get(p.label) ?? new Map<string, number>();
    row.set(column, (row.get(column) ?? 0) + 1);
    matrix.set(p.label, row);
    if (got === p.label) correct++;
    else
      misses.push(
        `  ${p.id}: labelled ${p.label}, analysed ${got}${results[i]?.error ? ` (${results[i]?.error})` : ""}`,
      );
  });
  console.log(`\n## ${name} — ${programs.length} programs`);
  console.log(
    `exact-class accuracy: ${((100 * correct) / programs.length).toFixed(1)}% (${correct}/${programs.length})\n`,
  );
  console.log("per class:");
  const labels = [...CLASSES, ...[...matrix.keys()].filter((l) => !CLASSES.includes(l)).sort()];
  for (const label of labels) {
    const row = matrix.get(label);
    if (!row) continue;
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    const hit = row.get(label) ?? 0;
    console.log(
      `  ${label.padEnd(11)} ${((100 * hit) / total).toFixed(0).padStart(3)}%  (${hit}/${total})`,
    );
  }
  console.log("\nconfusion matrix (rows: label, columns: analyser):");
  console.log(`  ${"".padEnd(11)}${columns.map((c) => c.padStart(11)).join("")}`);
  for (const label of labels) {
    const row = matrix.get(label);
    if (!row) continue;
    console.log(
      `  ${label.padEnd(11)}${columns.map((c) => String(row.get(c) ?? 0).padStart(11)).join("")}`,
    );
  }
  if (misses.length > 0) console.log(`\nmisses:\n${misses.join("\n")}`);
  return results.map((r) => r.ms);
}

async function main(): Promise<void> {
  const own = loadManifest(OWN_SET);
  const inProcess = report("bench/datasets/complexity (own set)", own);
  inProcess.push(...report("second set (written after the analyser)", loadManifest(HOLDOUT_SET)));
  const shared = sharedSets();
  if (shared.length === 0) console.log("\n(no labelled set found under ../shared/datasets)");
  for (const set of shared) inProcess.push(...report(set.name, set.programs));

  const perCall = await timeCalls(createLocalPythonToolRunner(), own);
  const sandboxed = await timeInSandbox(own);
  console.log("\n## speed");
  console.log(
    `analyze() in one process (median of ${REPEATS} per program): p50 ${percentile(inProcess, 50).toFixed(2)} ms, ` +
      `p95 ${percentile(inProcess, 95).toFixed(2)} ms, max ${Math.max(...inProcess).toFixed(2)} ms`,
  );
  console.log(
    `one call through the local tool runner (spawn + import + analyse): p50 ${percentile(perCall, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(perCall, 95).toFixed(1)} ms`,
  );
  console.log(
    typeof sandboxed === "string"
      ? `through the sandbox: not measured (${sandboxed})`
      : `one call through the bubblewrap sandbox (warm pool, Sandbox.runTool): p50 ${percentile(sandboxed, 50).toFixed(1)} ms, ` +
          `p95 ${percentile(sandboxed, 95).toFixed(1)} ms`,
  );
}

async function timeCalls(runTool: ToolRunner, programs: Program[]): Promise<number[]> {
  const times: number[] = [];
  for (const p of programs) {
    const started = performance.now();
    await runTool("static_analyzer", { code: p.code }, 10_000);
    times.push(performance.now() - started);
  }
  return times;
}

/** The production path; needs bubblewrap and root for the uid range, else says why not. */
async function timeInSandbox(programs: Program[]): Promise<number[] | string> {
  try {
    const sandbox = await createSandbox({
      kind: "bwrap",
      allowProcess: false,
      pythonPath: "/usr/bin/python3",
      poolSize: 2,
      maxConcurrent: 2,
      memoryLimitMb: 256,
      maxOutputBytes: 1 << 20,
      extraAllowedModules: [],
      uidBase: 63_000,
      uidCount: 16,
      logger: pino({ level: "silent" }),
      inProcess: true,
    });
    try {
      await timeCalls((m, p, t) => sandbox.runTool(m, p, t), programs.slice(0, 3)); // warm-up
      return await timeCalls((m, p, t) => sandbox.runTool(m, p, t), programs);
    } finally {
      await sandbox.close();
    }
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

await main();
