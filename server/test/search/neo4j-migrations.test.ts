// The graph's migrations: applied once each, recorded as (:Migration {id}) nodes, and the
// schema they promise (constraints, the vector and full-text indexes) is really there.
import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/search/neo4j-migrations/migrations.js";
import { runNeo4jMigrations } from "../../src/search/neo4j-migrations/runner.js";
import { type Neo4jForTests, neo4jForTests } from "./neo4j-server.js";

describe("neo4j migrations", () => {
  let server: Neo4jForTests;
  let driver: Driver;
  beforeAll(async () => {
    server = await neo4jForTests();
    driver = neo4j.driver(server.uri, neo4j.auth.basic(server.user, server.password));
  });
  afterAll(async () => {
    await driver?.close();
    await server?.release();
  });

  const ids = async () => {
    const r = await driver.executeQuery("MATCH (m:Migration) RETURN m.id AS id ORDER BY id");
    return r.records.map((x) => x.get("id") as string);
  };

  it("records each migration once and applies nothing the second time", async () => {
    await runNeo4jMigrations(driver);
    expect(await ids()).toEqual(expect.arrayContaining(MIGRATIONS.map((m) => m.id)));
    expect(await runNeo4jMigrations(driver)).toEqual([]);
    const extra = { id: "9999_test_only", statements: ["RETURN 1"] };
    expect(await runNeo4jMigrations(driver, [...MIGRATIONS, extra])).toEqual([extra.id]);
    await driver.executeQuery("MATCH (m:Migration {id: $id}) DELETE m", { id: extra.id });
  });

  it("creates the vector index, the full-text index and the constraints", async () => {
    const indexes = await driver.executeQuery(
      "SHOW INDEXES YIELD name, type, state RETURN name, type, state",
    );
    const byName = new Map(indexes.records.map((r) => [r.get("name"), r]));
    expect(byName.get("snippet_embedding")?.get("type")).toBe("VECTOR");
    expect(byName.get("snippet_embedding")?.get("state")).toBe("ONLINE");
    expect(byName.get("snippet_text")?.get("type")).toBe("FULLTEXT");
    const constraints = await driver.executeQuery("SHOW CONSTRAINTS YIELD name RETURN name");
    expect(constraints.records.map((r) => r.get("name"))).toEqual(
      expect.arrayContaining([
        "snippet_id",
        "user_id",
        "language_name",
        "complexity_notation",
        "migration_id",
      ]),
    );
  });
});
