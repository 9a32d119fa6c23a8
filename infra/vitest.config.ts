import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One synthesis is shared by a file's tests; a cold one takes a few seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
