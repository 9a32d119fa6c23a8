import { defineConfig } from "vitest/config";

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
      thresholds: {
        // The same files as before the move to area folders (services, routes, executor,
        // analyzer), now in their areas.
        "server/src/**/*-{service,processor,worker}.ts": { lines: 80 },
        "server/src/**/*-routes.ts": { lines: 70 },
        // The sandbox and the static policy are the security layer.
        "server/src/execution/sandbox/**": { lines: 90 },
        "server/src/analysis/**": { lines: 80 },
      },
    },
  },
});
