// `npm run bench:analyzer`: accuracy and speed of the offline analysis.
//   accuracy — exact time-complexity class, static-only, measured-only and combined (the
//              answer /analyze gives: measured-complexity.ts), on the development sets in
//              bench/datasets/complexity (the first labelled set, 10 per class, and a second
//              one written after the analyser — both used while building the estimator and
//              the rule) and on the held-out set frozen before the estimator was tuned
//              (manifest-measured-holdout.json, issue 15), reported separately; plus any
//              labelled set under ../shared/datasets (static only);
//              per-class accuracy and the confusion matrix (rows: label, columns: answer).
//   speed    — p50/p95 of one combined analysis through the bubblewrap sandbox (static and
//              measurement concurrently, the server's path); of analyze() inside one Python
//              process (the static analyser's own cost), and of one static call through the
//              local tool runner (process spawn included) and through the sandbox's warm pool.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import type { AnalysisResult } from "../server/src/analysis/llm-provider.js";
import {
  combineComplexity,
  createCombinedProvider,
  createMeasurer,
  libraryBound,
} from "../server/src/analysis/measured-complexity.js";
import { ANALYZER_PYTHON_DIR, type ToolRunner } from "../server/src/analysis/python-tool-runner.js";
import { createStaticProvider } from "../server/src/analysis/static-provider.js";
import { createSandbox } from "../server/src/execution/sandbox/create-sandbox.js";
import type { Sandbox } from "../server/src/execution/sandbox/sandbox.js";
import { createLocalPythonToolRunner } from "../server/test/helpers/local-tool-runner.js";
import { testUid } from "../server/test/helpers/uids.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OWN_SET = join(ROOT, "bench", "datasets", "complexity", "manifest.json");
const HOLDOUT_SET = join(ROOT, "bench", "datasets", "complexity", "manifest-holdout.json");
const MEASURED_HOLDOUT_SET = join(
  ROOT,
  "bench",
  "datasets",
  "complexity",
  "manifest-measured-holdout.json",
);
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
    out.append({"time": r["time_complexity"], "space": r["space_complexity"], "narrative": r["narrative"], "error": r["error"], "ms": times[len(times) // 2]})
print(json.dumps(out))
`;

interface StaticOut {
  time: string | null;
  space: string | null;
  narrative: string;
  error: string | null;
  ms: number;
}

function analyseInProcess(programs: Program[]): StaticOut[] {
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

function table(
  name: string,
  programs: Program[],
  answers: (string | null)[],
  matrix = true,
): number {
  const columns = [...CLASSES, "other"];
  const rows = new Map<string, Map<string, number>>();
  const misses: string[] = [];
  let correct = 0;
  programs.forEach((p, i) => {
    const got = answers[i] ?? "none";
    const column = CLASSES.includes(got) ? got : "other";
    const row = rows.get(p.label) ?? new Map<string, number>();
    row.set(column, (row.get(column) ?? 0) + 1);
    rows.set(p.label, row);
    if (got === p.label) correct++;
    else misses.push(`  ${p.id}: labelled ${p.label}, answered ${got}`);
  });
  console.log(
    `\n### ${name}: ${((100 * correct) / programs.length).toFixed(1)}% (${correct}/${programs.length})`,
  );
  const labels = [...CLASSES, ...[...rows.keys()].filter((l) => !CLASSES.includes(l)).sort()];
  const perClass = labels
    .filter((l) => rows.has(l))
    .map((l) => {
      const row = rows.get(l) as Map<string, number>;
      const total = [...row.values()].reduce((x, y) => x + y, 0);
      const hit = row.get(l) ?? 0;
      return `${l} ${((100 * hit) / total).toFixed(0)}% (${hit}/${total})`;
    });
  console.log(`per class: ${perClass.join(" · ")}`);
  if (matrix) {
    console.log("confusion matrix (rows: label, columns: answer):");
    console.log(`  ${"".padEnd(11)}${columns.map((c) => c.padStart(11)).join("")}`);
    for (const label of labels) {
      const row = rows.get(label);
      if (!row) continue;
      console.log(
        `  ${label.padEnd(11)}${columns.map((c) => String(row.get(c) ?? 0).padStart(11)).join("")}`,
      );
    }
    if (misses.length > 0) console.log(`misses:\n${misses.join("\n")}`);
  }
  return correct / programs.length;
}

function report(name: string, programs: Program[]): number[] {
  const results = analyseInProcess(programs);
  console.log(`\n## ${name} — ${programs.length} programs (static only)`);
  table(
    "static",
    programs,
    results.map((r) => r.time),
  );
  return results.map((r) => r.ms);
}

interface Evaluated {
  static: (string | null)[];
  measured: (string | null)[];
  combined: (string | null)[];
  methods: string[];
  combinedMs: number[];
  staticMs: number[];
}

/** Static in one process; measured and combined through the sandbox's combined provider. */
async function evaluate(sandbox: Sandbox, programs: Program[]): Promise<Evaluated> {
  const statics = analyseInProcess(programs);
  const runTool: ToolRunner = (m, p, t) => sandbox.runTool(m, p, t);
  const provider = createCombinedProvider({
    reader: createStaticProvider({ runTool }),
    measure: createMeasurer({ runTool }),
  });
  const out: Evaluated = {
    static: statics.map((r) => r.time),
    measured: [],
    combined: [],
    methods: [],
    combinedMs: [],
    staticMs: statics.map((r) => r.ms),
  };
  for (const [i, p] of programs.entries()) {
    const started = performance.now();
    const r: AnalysisResult = await provider.analyze(p.code);
    out.combinedMs.push(performance.now() - started);
    out.measured.push(r.measured?.time_complexity ?? null);
    // the rule again on the in-process static answer: the same inputs as the provider's
    const s = statics[i] as StaticOut;
    const c = combineComplexity(
      { time: s.time, space: s.space, source: "static" },
      r.measured ?? null,
      libraryBound(s.narrative, s.time),
    );
    out.combined.push(r.time_complexity);
    out.methods.push(r.method ?? "?");
    if (c.time !== r.time_complexity)
      console.log(
        `  note: ${p.id} combined ${r.time_complexity} in the provider, ${c.time} by rule`,
      );
  }
  return out;
}

function reportThree(name: string, programs: Program[], e: Evaluated): number[] {
  console.log(`\n## ${name} — ${programs.length} programs`);
  const s = table("static only", programs, e.static, false);
  const measuredCount = e.measured.filter((m) => m !== null).length;
  const m = table(
    `measured only (unmeasurable counts as a miss; measured ${measuredCount}/${programs.length})`,
    programs,
    e.measured,
    false,
  );
  const c = table("combined (the /analyze answer)", programs, e.combined, true);
  const decided = new Map<string, number>();
  for (const method of e.methods) decided.set(method, (decided.get(method) ?? 0) + 1);
  console.log(
    `decided by: ${[...decided.entries()].map(([k, v]) => `${k} ${v}`).join(" · ")}; ` +
      `summary static ${(100 * s).toFixed(1)}% · measured ${(100 * m).toFixed(1)}% · combined ${(100 * c).toFixed(1)}%`,
  );
  return e.combinedMs;
}

async function main(): Promise<void> {
  const own = loadManifest(OWN_SET);
  const dev = [...own, ...loadManifest(HOLDOUT_SET)];
  const heldOut = loadManifest(MEASURED_HOLDOUT_SET);
  const inProcess: number[] = [];
  const combinedMs: number[] = [];
  const sandbox = await openSandbox();
  if (typeof sandbox === "string") {
    console.log(`\n(sandbox unavailable: ${sandbox}; static accuracy only)`);
    inProcess.push(...report("development sets", dev));
    inProcess.push(...report("held-out set (issue 15)", heldOut));
  } else {
    try {
      const d = await evaluate(sandbox, dev);
      combinedMs.push(...reportThree("development sets (first set + second set)", dev, d));
      inProcess.push(...d.staticMs);
      const h = await evaluate(sandbox, heldOut);
      combinedMs.push(...reportThree("HELD-OUT set (frozen before tuning, issue 15)", heldOut, h));
      inProcess.push(...h.staticMs);
    } finally {
      await sandbox.close();
    }
  }
  const shared = sharedSets();
  if (shared.length === 0) console.log("\n(no labelled set found under ../shared/datasets)");
  for (const set of shared) inProcess.push(...report(set.name, set.programs));

  const perCall = await timeCalls(createLocalPythonToolRunner(), own);
  const sandboxed = await timeInSandbox(own);
  console.log("\n## speed");
  if (combinedMs.length > 0)
    console.log(
      `one combined analysis with measurement (static + measured concurrently, bubblewrap sandbox): ` +
        `p50 ${percentile(combinedMs, 50).toFixed(0)} ms, p95 ${percentile(combinedMs, 95).toFixed(0)} ms, ` +
        `max ${Math.max(...combinedMs).toFixed(0)} ms over ${combinedMs.length} programs`,
    );
  console.log(
    `static analyze() in one process (median of ${REPEATS} per program): p50 ${percentile(inProcess, 50).toFixed(2)} ms, ` +
      `p95 ${percentile(inProcess, 95).toFixed(2)} ms, max ${Math.max(...inProcess).toFixed(2)} ms`,
  );
  console.log(
    `one static call through the local tool runner (spawn + import + analyse): p50 ${percentile(perCall, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(perCall, 95).toFixed(1)} ms`,
  );
  console.log(
    typeof sandboxed === "string"
      ? `static through the sandbox: not measured (${sandboxed})`
      : `one static call through the bubblewrap sandbox (warm pool, Sandbox.runTool): p50 ${percentile(sandboxed, 50).toFixed(1)} ms, ` +
          `p95 ${percentile(sandboxed, 95).toFixed(1)} ms`,
  );
}

/** The production sandbox; needs bubblewrap and root for the uid range, else says why not. */
async function openSandbox(): Promise<Sandbox | string> {
  try {
    return await createSandbox({
      kind: "bwrap",
      allowProcess: false,
      pythonPath: "/usr/bin/python3",
      poolSize: 2,
      maxConcurrent: 2,
      memoryLimitMb: 256,
      maxOutputBytes: 1 << 20,
      extraAllowedModules: [],
      // TEST_SANDBOX_UID_OFFSET moves the uids, so two checkouts can run the bench at once
      uidBase: testUid(63_100),
      uidCount: 16,
      logger: pino({ level: "silent" }),
      inProcess: true,
    });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
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
      uidBase: testUid(63_000),
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
