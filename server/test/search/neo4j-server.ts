// The real Neo4j for tests: TEST_NEO4J_URI when set (CI starts one), else one started for
// this test file by the shared Java fixture (server/test/fixtures/java-services.ts).
export interface Neo4jForTests {
  uri: string;
  user: string;
  password: string;
  release(): Promise<void>;
}

interface JavaServices {
  startNeo4j(): Promise<{ uri: string; user: string; password: string; stop(): Promise<void> }>;
}

export async function neo4jForTests(): Promise<Neo4jForTests> {
  const uri = process.env.TEST_NEO4J_URI;
  if (uri) {
    return {
      uri,
      user: process.env.TEST_NEO4J_USER ?? "neo4j",
      password: process.env.TEST_NEO4J_PASSWORD ?? "testpassword",
      release: async () => {},
    };
  }
  // Resolved at run time: the fixture belongs to the Java-services work.
  const fixture = "../fixtures/java-services.js";
  const mod = (await import(fixture)) as JavaServices;
  const server = await mod.startNeo4j();
  return { ...server, release: () => server.stop() };
}
