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
        "server/src/services/**": { lines: 80 },
        "server/src/routes/**": { lines: 70 },
        // The sandbox and the static policy are the security layer.
        "server/src/executor/**": { lines: 90 },
        "server/src/analyzer/**": { lines: 80 },
      },
    },
  },
});
