import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings } from "../../src/platform/config.js";

const problemsOf = (env: Record<string, string>) => {
  try {
    loadSettings(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe("settings", () => {
  it("has embedded defaults that need nothing", () => {
    const s = loadSettings({});
    expect(s).toMatchObject({
      environment: "development",
      host: "127.0.0.1",
      port: 8000,
      dataDir: "./data",
      databaseUrl: undefined,
      autoMigrate: true,
      auth: { mode: "local" },
      execution: {
        timeoutSeconds: 30,
        maxCodeBytes: 10240,
        sandbox: "bwrap",
        rateLimitPerMinute: 10,
      },
      gemini: { model: "gemini-2.5-flash" },
      queue: { kind: "memory", runJobsInProcess: true },
      search: { index: "postgres", syncInProcess: true },
    });
  });

  it("switches each in-process processor on its own; RUN_WORKERS_IN_PROCESS sets both", () => {
    const sqs = {
      JOB_QUEUE: "sqs",
      EXECUTION_QUEUE_URL: "http://127.0.0.1:9324/000000000000/jobs.fifo",
    };
    const switches = (env: Record<string, string>) => {
      const s = loadSettings({ ...sqs, ...env });
      return { jobs: s.queue.runJobsInProcess, sync: s.search.syncInProcess };
    };
    expect(switches({})).toEqual({ jobs: false, sync: false });
    expect(switches({ RUN_WORKERS_IN_PROCESS: "true" })).toEqual({ jobs: true, sync: true });
    expect(switches({ RUN_SYNC_IN_PROCESS: "true" })).toEqual({ jobs: false, sync: true });
    expect(switches({ RUN_JOBS_IN_PROCESS: "true" })).toEqual({ jobs: true, sync: false });
    expect(switches({ RUN_WORKERS_IN_PROCESS: "true", RUN_SYNC_IN_PROCESS: "false" })).toEqual({
      jobs: true,
      sync: false,
    });
    const embedded = loadSettings({ RUN_JOBS_IN_PROCESS: "false" });
    expect([embedded.queue.runJobsInProcess, embedded.search.syncInProcess]).toEqual([false, true]);
  });

  it("names every bad variable at once", () => {
    const problems = problemsOf({
      PORT: "eighty",
      DATABASE_URL: "mysql://x/y",
      AUTH_MODE: "magic",
      EXECUTION_TIMEOUT_SECONDS: "99",
    });
    const names = problems.map((p) => p.split(":")[0]);
    expect(names).toEqual(
      expect.arrayContaining(["PORT", "DATABASE_URL", "AUTH_MODE", "EXECUTION_TIMEOUT_SECONDS"]),
    );
  });

  it("parses lists and booleans", () => {
    const s = loadSettings({
      EXTRA_ALLOWED_MODULES: "numpy, sympy",
      DEBUG: "true",
      DATABASE_URL: "postgres://u@h/db",
    });
    expect(s.execution.extraAllowedModules).toEqual(["numpy", "sympy"]);
    expect(s.debug).toBe(true);
    expect(s.autoMigrate).toBe(false);
  });

  it("refuses unsafe production combinations", () => {
    expect(problemsOf({ ENVIRONMENT: "production" }).join("\n")).toMatch(/JWT_SECRET/);
    expect(problemsOf({ ENVIRONMENT: "production", AUTH_MODE: "disabled" }).join("\n")).toMatch(
      /AUTH_MODE=disabled/,
    );
    expect(problemsOf({ ENVIRONMENT: "production", JWT_SECRET: "changeme" }).join("\n")).toMatch(
      /JWT_SECRET/,
    );
    expect(
      problemsOf({ ENVIRONMENT: "production", JWT_SECRET: "x".repeat(40), DEBUG: "true" }).join(
        "\n",
      ),
    ).toMatch(/DEBUG/);
    expect(
      problemsOf({
        ENVIRONMENT: "production",
        JWT_SECRET: "x".repeat(40),
        SEARCH_INDEX: "neo4j",
        NEO4J_URI: "bolt://h",
        NEO4J_PASSWORD: "neo4j",
      }).join("\n"),
    ).toMatch(/NEO4J_PASSWORD/);
    expect(problemsOf({ ENVIRONMENT: "production", JWT_SECRET: "x".repeat(40) })).toEqual([]);
  });

  it("takes the memory mechanism: auto by default, cgroup or watchdog, nothing else", () => {
    expect(loadSettings({}).execution.memoryMechanism).toBe("auto");
    expect(loadSettings({ SANDBOX_MEMORY_MECHANISM: "watchdog" }).execution.memoryMechanism).toBe(
      "watchdog",
    );
    expect(problemsOf({ SANDBOX_MEMORY_MECHANISM: "cgroups" }).join()).toMatch(
      /SANDBOX_MEMORY_MECHANISM/,
    );
  });

  it("checks cross-field requirements", () => {
    expect(problemsOf({ AUTH_MODE: "cognito" }).join()).toMatch(/COGNITO_USER_POOL_ID/);
    expect(problemsOf({ JOB_QUEUE: "sqs" }).join()).toMatch(/EXECUTION_QUEUE_URL/);
    expect(problemsOf({ NOTIFIER: "postgres" }).join()).toMatch(/DATABASE_URL/);
    expect(problemsOf({ SEARCH_INDEX: "neo4j" }).join()).toMatch(/NEO4J_URI/);
    expect(problemsOf({ SANDBOX: "process" }).join()).toMatch(/ALLOW_PROCESS_SANDBOX/);
    expect(problemsOf({ SANDBOX: "process", ALLOW_PROCESS_SANDBOX: "true" })).toEqual([]);
  });
});
