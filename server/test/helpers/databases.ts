// Test databases: in-memory PGlite, or a fresh database on the machine's PostgreSQL per
// test file (dropped afterwards), so runs never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../src/platform/db/database.js";

export const PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type Driver = "pglite" | "postgres";
export const DRIVERS: Driver[] = ["pglite", "postgres"];

export interface TestDatabase {
  database: Database;
  /** Set for the postgres driver: the URL of the fresh database. */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(driver: Driver): Promise<TestDatabase> {
  if (driver === "pglite") {
    const database = await openDatabase({ dataDir: "memory://" });
    await database.migrate();
    return { database, url: undefined, drop: () => database.close() };
  }
  const created = await createPostgresDatabase();
  const database = await openDatabase({
    databaseUrl: created.url,
    dataDir: "memory://",
    poolSize: 4,
  });
  await database.migrate();
  return {
    database,
    url: created.url,
    drop: async () => {
      await database.close();
      await created.drop();
    },
  };
}
