// Boots the real app (buildApp) on a test database, with helpers to create signed-in users.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { type AppAreas, type AppOverrides, composeApp } from "../../src/app.js";
import { loadSettings, type Settings } from "../../src/platform/config.js";
import { createTestDatabase, type Driver, type TestDatabase } from "./databases.js";
import { testUid } from "./uids.js";

export interface TestApp {
  app: FastifyInstance;
  /** The areas the app composed (the sync service, the notifier…), to drive one directly. */
  areas: AppAreas;
  settings: Settings;
  testDb: TestDatabase;
  dataDir: string;
  /** Registers and logs in a fresh local user; returns its bearer header and id. */
  signUp(
    prefix?: string,
  ): Promise<{ headers: { authorization: string }; id: string; email: string }>;
  close(): Promise<void>;
}

let counter = 0;
let appCounter = 0;

/** A uid range of its own for each app, so concurrent test files (and apps within one)
 * never share sandbox uids: RLIMIT_NPROC and the reaper work per uid. */
function sandboxUidBase(): string {
  appCounter += 1;
  const pool = Number(process.env.VITEST_POOL_ID ?? 0);
  return String(testUid(200_000) + pool * 20_000 + (appCounter % 50) * 256);
}

export async function createTestApp(
  driver: Driver = "pglite",
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(driver);
  const dataDir = mkdtempSync(join(tmpdir(), "cr-test-"));
  const settings = loadSettings({
    ENVIRONMENT: "test",
    LOG_LEVEL: "silent",
    DATA_DIR: dataDir,
    SERVE_WEB: "false",
    SANDBOX_POOL_SIZE: "2",
    SANDBOX_UID_BASE: sandboxUidBase(),
    // Test files sign many users up from one address; the throttles have their own tests.
    LOGIN_RATE_LIMIT_PER_ACCOUNT: "0",
    LOGIN_RATE_LIMIT_PER_CLIENT: "0",
    SIGNUP_RATE_LIMIT_PER_CLIENT: "0",
    ...(testDb.url ? { DATABASE_URL: testDb.url } : {}),
    ...env,
  });
  const { app, areas } = await composeApp(settings, {
    database: testDb.database,
    logger: pino({ level: "silent" }),
    ...overrides,
  });
  await app.ready();
  return {
    app,
    areas,
    settings,
    testDb,
    dataDir,
    async signUp(prefix = "user") {
      counter += 1;
      const email = `${prefix}-${process.pid}-${counter}-${Date.now()}@example.com`;
      const password = "correct horse battery";
      const reg = await app.inject({
        method: "POST",
        url: "/auth/register",
        payload: { email, password },
      });
      if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.body}`);
      const login = await app.inject({
        method: "POST",
        url: "/auth/login",
        payload: { email, password },
      });
      const token = (login.json() as { access_token: string }).access_token;
      return {
        headers: { authorization: `Bearer ${token}` },
        id: (reg.json() as { id: string }).id,
        email,
      };
    },
    async close() {
      await app.close();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A snippet as the user wrote it: the background search sync may fill in the Big-O
 * fields at any moment (the offline analyser), so comparisons of "unchanged" leave them out. */
export function authored<T extends { time_complexity?: unknown; space_complexity?: unknown }>(
  snippet: T,
): Omit<T, "time_complexity" | "space_complexity"> {
  const { time_complexity: _t, space_complexity: _s, ...rest } = snippet;
  return rest;
}
