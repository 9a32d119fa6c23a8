// A search stack on a real database and a real index, without HTTP: the snippet service
// (which writes the outbox), the sync and the search service, as the app wires them.
import { randomUUID } from "node:crypto";
import { users } from "../../src/platform/db/schema/index.js";
import { processLock } from "../../src/search/drain-lock.js";
import type { Embedder } from "../../src/search/embedder.js";
import { ModelEmbedder } from "../../src/search/model/model-embedder.js";
import { Neo4jSearchIndex } from "../../src/search/neo4j-search-index.js";
import { outboxSignal } from "../../src/search/outbox-signal.js";
import { PostgresSearchIndex } from "../../src/search/postgres-search-index.js";
import { rulesUnderstander } from "../../src/search/query-rules.js";
import type { SearchIndex } from "../../src/search/search-index.js";
import { createSearchService, type SearchService } from "../../src/search/search-service.js";
import {
  type ComplexityEstimator,
  createSyncService,
  type SyncDeps,
  type SyncService,
} from "../../src/search/sync-service.js";
import { createSnippetService, type SnippetService } from "../../src/snippets/snippet-service.js";
import { createTestDatabase, type Driver, type TestDatabase } from "../helpers/databases.js";
import { neo4jForTests } from "./neo4j-server.js";

/** A new snippet's fields as the snippet service takes them. */
export const snippetInput = (title: string, code: string) => ({
  title,
  code,
  description: null,
  language: "python",
  isStarred: false,
});

export type IndexTarget = "postgres:pglite" | "postgres:postgres" | "neo4j";
export const INDEX_TARGETS: IndexTarget[] = ["postgres:pglite", "postgres:postgres", "neo4j"];

export interface Harness {
  testDb: TestDatabase;
  index: SearchIndex;
  embedder: Embedder;
  snippets: SnippetService;
  sync: SyncService;
  search: SearchService;
  /** The Neo4j server behind the index (neo4j target only). */
  neo4j?: { uri: string; user: string; password: string };
  newUser(): Promise<string>;
  close(): Promise<void>;
}

/** The embedded default: the sentence-embedding model `npm install` fetches. Its absence is
 * a broken install, not a reason to test something else, so it fails loudly. One instance
 * (one worker thread) serves every harness in a test file. */
let shared: ModelEmbedder | undefined;
export function defaultEmbedder(): Embedder {
  shared ??= ModelEmbedder.load();
  if (!shared) {
    throw new Error("the embedding model is not installed (.models/): run `npm install`");
  }
  return shared;
}

export async function createHarness(
  target: IndexTarget,
  opts: {
    wrapIndex?: (index: SearchIndex) => SearchIndex;
    estimateComplexity?: ComplexityEstimator;
    embedder?: Embedder;
    maxAttempts?: number;
    /** Settings of the sync (its loop's idleMinMs, back-off delays). */
    sync?: Pick<SyncDeps, "idleMinMs" | "baseDelayMs" | "maxDelayMs">;
  } = {},
): Promise<Harness> {
  const driver: Driver = target === "postgres:postgres" ? "postgres" : "pglite";
  const testDb = await createTestDatabase(driver);
  const db = testDb.database.db;
  let base: SearchIndex;
  let stopNeo4j: (() => Promise<void>) | undefined;
  let neo4jServer: Harness["neo4j"];
  if (target === "neo4j") {
    const server = await neo4jForTests();
    stopNeo4j = server.release;
    neo4jServer = { uri: server.uri, user: server.user, password: server.password };
  }
  const embedder = opts.embedder ?? defaultEmbedder();
  if (target === "neo4j") {
    base = Neo4jSearchIndex.connect(neo4jServer as NonNullable<typeof neo4jServer>, {
      dimensions: embedder.dimensions,
    });
  } else {
    base = new PostgresSearchIndex(db, embedder.dimensions);
  }
  await base.init();
  const index = opts.wrapIndex ? opts.wrapIndex(base) : base;
  const snippets = createSnippetService({ db });
  const sync = createSyncService({
    db,
    index,
    embedder,
    lock: processLock(),
    estimate: opts.estimateComplexity && { estimator: opts.estimateComplexity, snippets },
    // As the app wires it: a commit to the outbox wakes a started loop.
    signal: outboxSignal(testDb.database),
    baseDelayMs: 20,
    maxDelayMs: 40,
    ...(opts.maxAttempts !== undefined && { maxAttempts: opts.maxAttempts }),
    ...opts.sync,
  });
  const search = createSearchService({
    index,
    embedder,
    understander: rulesUnderstander,
    snippets,
  });
  return {
    testDb,
    index,
    embedder,
    snippets,
    sync,
    search,
    ...(neo4jServer && { neo4j: neo4jServer }),
    async newUser() {
      const sub = randomUUID();
      const [u] = await db
        .insert(users)
        .values({ cognitoSub: sub, email: `${sub}@example.com` })
        .returning();
      return (u as { id: string }).id;
    },
    async close() {
      await sync.stop();
      await base.close();
      await stopNeo4j?.();
      await testDb.drop();
    },
  };
}

/** Wraps a real index with a switch that makes every call fail, like a store that is down. */
export class SwitchableIndex {
  down = false;
  wrap(inner: SearchIndex): SearchIndex {
    const guard = <T>(fn: () => Promise<T>) =>
      this.down ? Promise.reject(new Error("connection refused")) : fn();
    return {
      kind: inner.kind,
      init: () => guard(() => inner.init()),
      upsert: (d) => guard(() => inner.upsert(d)),
      upsertMany: (d) => guard(() => inner.upsertMany(d)),
      remove: (u, s) => guard(() => inner.remove(u, s)),
      search: (u, r) => guard(() => inner.search(u, r)),
      byComplexity: (u, t, v, l) => guard(() => inner.byComplexity(u, t, v, l)),
      similar: (u, s, l) => guard(() => inner.similar(u, s, l)),
      staleEmbeddings: (m, l, a) => guard(() => inner.staleEmbeddings(m, l, a)),
      clear: () => guard(() => inner.clear()),
      ping: () => guard(() => inner.ping()),
      close: () => inner.close(),
    };
  }
}
