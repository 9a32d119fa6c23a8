// Applies pending graph migrations and records each as a (:Migration {id, appliedAt}) node,
// the graph's equivalent of Drizzle's migrations table.
import type { Driver } from "neo4j-driver";
import { MIGRATIONS, type Neo4jMigration } from "./migrations.js";

export async function runNeo4jMigrations(
  driver: Driver,
  migrations: Neo4jMigration[] = MIGRATIONS,
): Promise<string[]> {
  const session = driver.session();
  try {
    // Schema statements cannot share a transaction with writes: each runs on its own.
    await session.run(MIGRATIONS[0]?.statements[0] ?? "RETURN 1");
    const done = await session.run("MATCH (m:Migration) RETURN m.id AS id");
    const applied = new Set(done.records.map((r) => r.get("id") as string));
    const ran: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.id)) continue;
      for (const statement of m.statements) await session.run(statement);
      await session.run("MERGE (m:Migration {id: $id}) ON CREATE SET m.appliedAt = datetime()", {
        id: m.id,
      });
      ran.push(m.id);
    }
    // Queries right after start must not race a still-populating index.
    await session.run("CALL db.awaitIndexes(300)");
    return ran;
  } finally {
    await session.close();
  }
}
