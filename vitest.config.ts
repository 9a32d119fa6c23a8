import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

type Gate = { lines?: number; branches?: number; functions?: number; statements?: number };

/**
 * One gate per file of a folder (vitest's `perFile` is global only, so each file gets a glob
 * of its own): a weak file cannot hide behind a well-tested neighbour, and a file added to
 * the folder is gated from its first commit. `except` lowers the gate of a named file to what
 * it reaches today, so the weak spots are written down here.
 */
function perFile(dir: string, gate: Gate, except: Record<string, Gate> = {}, skip: string[] = []) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !skip.includes(f));
  for (const name of Object.keys(except)) {
    if (!files.includes(name)) throw new Error(`vitest.config: no ${dir}/${name} to gate`);
  }
  return Object.fromEntries(files.map((f) => [`${dir}/${f}`, { ...gate, ...except[f] }]));
}

export default defineConfig({
  test: {
    include: ["server/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: sandboxes, JVMs and databases compete for them, so keep file parallelism low.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    coverage: {
      provider: "v8",
      include: ["server/src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      // Every area of server/src is gated (issue 11). The numbers sit a few points under what
      // a full `npm test` reached (lines, branches, functions per area; 2026-11-28), so the
      // run-to-run variation of timing-dependent paths does not fail CI; raise them as tests
      // grow, never lower them to let a change through. Entry points (main, worker,
      // sync-worker, resync, migrate, platform/entry, the sandbox host's main) run in child
      // processes, which v8 coverage does not follow; they count only in the totals.
      thresholds: {
        lines: 92,
        branches: 87,
        functions: 93,
        "server/src/app.ts": { lines: 97, branches: 88, functions: 97 },
        "server/src/platform/**": { lines: 94, branches: 87, functions: 88 },
        "server/src/auth/**": { lines: 95, branches: 88, functions: 97 },
        "server/src/snippets/**": { lines: 97, branches: 89, functions: 97 },
        "server/src/execution/*.ts": { lines: 94, branches: 89, functions: 97 },
        "server/src/jobs/**": { lines: 93, branches: 86, functions: 93 },
        "server/src/search/**": { lines: 94, branches: 87, functions: 93 },
        "server/src/lambda/**": { lines: 75, branches: 74, functions: 75 },
        "server/src/web/**": { lines: 90, branches: 65, functions: 95 },
        // The security layer: the sandbox (host side; its Python runs inside the sandbox and
        // is tested through it), and the analysis area, which runs the user's program to
        // measure it. Each folder as a whole, and each file on its own.
        "server/src/execution/sandbox/**": { lines: 88, branches: 83, functions: 92 },
        ...perFile(
          "server/src/execution/sandbox",
          { lines: 85, branches: 75, functions: 80 },
          {
            "create-sandbox.ts": { lines: 80, branches: 70 },
            "font-cache.ts": { branches: 35 },
            "host-paths.ts": { branches: 60 },
            "live-input.ts": { branches: 50 },
            "no-sandbox.ts": { lines: 65, functions: 40 },
            "reaper.ts": { lines: 45, functions: 45 },
            "runtime-copy.ts": { lines: 75, functions: 60 },
            "sandbox-host-server.ts": { branches: 70, functions: 65 },
          },
          // Only the sandbox host's child process runs these (its entry point, and the
          // descriptors it closes at start), where v8 coverage does not reach.
          ["sandbox-host-main.ts", "inherited-fds.ts"],
        ),
        "server/src/analysis/**": { lines: 95, branches: 86, functions: 95 },
        ...perFile(
          "server/src/analysis",
          { lines: 90, branches: 80, functions: 90 },
          {
            "analysis-module.ts": { functions: 70 },
            "measured-complexity.ts": { lines: 88, branches: 65 },
          },
        ),
      },
    },
  },
});
