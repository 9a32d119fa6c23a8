// The real Neo4j for search tests: the shared Java fixture reuses TEST_NEO4J_URI when set
// (CI starts one server for the whole run), else starts a private one for this test file.
import { startNeo4j } from "../fixtures/java-services.js";

export interface Neo4jForTests {
  uri: string;
  user: string;
  password: string;
  release(): Promise<void>;
}

export async function neo4jForTests(): Promise<Neo4jForTests> {
  const server = await startNeo4j();
  return {
    uri: server.uri,
    user: server.user,
    password: server.password,
    release: () => server.stop(),
  };
}
