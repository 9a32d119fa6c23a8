// Composition of the search + sync area: embedder, index and query understanding chosen by
// settings, the sync service (outbox → index) as a declared processor, the search service
// and its routes — for the app, `npm run sync-worker` and `npm run resync` alike.
import { GoogleGenAI } from "@google/genai";
import type { FastifyInstance } from "fastify";
import type { AuthGuard } from "../auth/auth-guard.js";
import type { Platform, Processor } from "../platform/area.js";
import type { Settings } from "../platform/config.js";
import type { Database } from "../platform/db/database.js";
import type { HealthChecks } from "../platform/http/health-routes.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { advisoryLock, processLock } from "./drain-lock.js";
import { EMBEDDING_DIMENSIONS, type Embedder } from "./embedder.js";
import { loadEnglishWords } from "./english.js";
import { GeminiEmbedder } from "./gemini-embedder.js";
import { createGeminiUnderstander } from "./gemini-query-understander.js";
import { ModelEmbedder } from "./model/model-embedder.js";
import { Neo4jSearchIndex } from "./neo4j-search-index.js";
import { OfflineEmbedder } from "./offline-embedder.js";
import { outboxSignal } from "./outbox-signal.js";
import { PostgresSearchIndex } from "./postgres-search-index.js";
import { rulesUnderstander } from "./query-rules.js";
import type { SearchIndex } from "./search-index.js";
import { registerSearchRoutes } from "./search-routes.js";
import { createSearchService, type SearchService } from "./search-service.js";
import type { QueryUnderstander } from "./structured-query.js";
import {
  type ComplexityEstimator,
  createSyncService,
  type SyncLogger,
  type SyncService,
} from "./sync-service.js";

export interface SearchParts {
  embedder: Embedder;
  index: SearchIndex;
  understander: QueryUnderstander;
  sync: SyncService;
  search: SearchService;
  close(): Promise<void>;
}

export interface SearchOverrides {
  embedder?: Embedder;
  index?: SearchIndex;
  understander?: QueryUnderstander;
  estimateComplexity?: ComplexityEstimator;
}

function geminiClient(settings: Settings): GoogleGenAI | undefined {
  const { apiKey, baseUrl } = settings.gemini;
  if (!apiKey) return undefined;
  return new GoogleGenAI({ apiKey, ...(baseUrl && { httpOptions: { baseUrl } }) });
}

/** Gemini when keyed (or asked for); otherwise the installed sentence-embedding model;
 * the offline hashing embedder when the model's files are absent (or EMBEDDER=offline). */
export function buildEmbedder(settings: Settings, client = geminiClient(settings)): Embedder {
  const choice = settings.search.embedder;
  if (choice === "gemini" && !client) throw new Error("EMBEDDER=gemini needs GEMINI_API_KEY");
  if (client && (choice === "gemini" || choice === "auto")) {
    return new GeminiEmbedder(client, settings.gemini.embeddingModel);
  }
  if (choice !== "offline") {
    const { name, dir } = settings.search.model;
    const model = ModelEmbedder.load({ ...(name && { name }), ...(dir && { dir }) });
    if (model) return model;
    if (choice === "model") {
      throw new Error("EMBEDDER=model but the model is not installed: run npm install");
    }
  }
  return new OfflineEmbedder(EMBEDDING_DIMENSIONS);
}

export function buildIndex(
  settings: Settings,
  database: Database,
  dimensions: number,
): SearchIndex {
  if (settings.search.index === "neo4j") {
    const { uri, user, password } = settings.search.neo4j;
    if (!uri) throw new Error("NEO4J_URI is required when SEARCH_INDEX=neo4j");
    return Neo4jSearchIndex.connect({ uri, user, password }, { dimensions });
  }
  return new PostgresSearchIndex(database.db, dimensions, {
    rankWithPgvector: database.driver === "postgres",
  });
}

export async function buildSearch(
  settings: Settings,
  deps: {
    database: Database;
    snippets: Pick<SnippetService, "assertOwned" | "recordEstimate">;
    logger?: SyncLogger;
    overrides?: SearchOverrides;
  },
): Promise<SearchParts> {
  const o = deps.overrides ?? {};
  const client = geminiClient(settings);
  const embedder = o.embedder ?? buildEmbedder(settings, client);
  const index = o.index ?? buildIndex(settings, deps.database, embedder.dimensions);
  const understander =
    o.understander ??
    (client
      ? createGeminiUnderstander({ client, model: settings.gemini.model })
      : rulesUnderstander);
  try {
    await index.init();
  } catch (err) {
    // A down index must not stop the API: writes go to the outbox, and the sync retries
    // init-dependent work when the index returns.
    deps.logger?.warn({ err: String(err) }, "search index init failed; will retry through sync");
  }
  const sync = createSyncService({
    db: deps.database.db,
    index,
    embedder,
    lock: deps.database.pool ? advisoryLock(deps.database.pool) : processLock(),
    // A commit to the outbox wakes the sync (LISTEN/NOTIFY, on either driver).
    signal: outboxSignal(deps.database),
    estimate: o.estimateComplexity && {
      estimator: o.estimateComplexity,
      snippets: deps.snippets,
    },
    logger: deps.logger,
  });
  // After an embedder change the stored vectors belong to the old one: queue their
  // re-embedding through the outbox (never a silent mix of vector spaces).
  await sync
    .reembedStale()
    .then((n) => {
      if (n > 0) deps.logger?.warn({ count: n, model: embedder.model }, "re-embedding snippets");
    })
    .catch((err: unknown) =>
      deps.logger?.warn({ err: String(err) }, "could not check for stale embeddings"),
    );
  await loadEnglishWords();
  const search = createSearchService({
    index,
    embedder,
    understander,
    snippets: deps.snippets,
    logger: deps.logger,
  });
  return {
    embedder,
    index,
    understander,
    sync,
    search,
    async close() {
      await sync.stop();
      if (!o.index) await index.close();
      if (!o.embedder) await embedder.close?.();
    },
  };
}

/** The longest the sync waits between looks at an idle outbox. Changes do not wait for it:
 * each commit to the outbox wakes the sync (outbox-signal.ts), and a deferred snippet's
 * retry wakes it when due; this is only the safety net for a lost notification. */
export const SYNC_IDLE_MAX_MS = 5_000;

/** The search-sync processor: it drains the sync outbox into the search index. */
export function searchSyncProcessor(sync: SyncService, idleMaxMs = SYNC_IDLE_MAX_MS): Processor {
  return {
    name: "search-sync",
    handles: "snippet changes from the sync_events outbox, applied to the search index",
    start: () => sync.start(idleMaxMs),
    stop: () => sync.stop(),
  };
}

export interface SearchArea extends SearchParts {
  health: HealthChecks;
  /** Drains the outbox in this process, woken by each commit to it. */
  processor: Processor;
  routes(app: FastifyInstance, guard: AuthGuard): Promise<void>;
}

/** The search area for the API process: services, health check, sync processor, routes. */
export async function composeSearch(
  platform: Platform,
  deps: {
    snippets: Pick<SnippetService, "assertOwned" | "recordEstimate">;
    /** Fills in a snippet's Big-O when it has none (the offline analyser in the app). */
    estimateComplexity?: ComplexityEstimator | undefined;
  },
): Promise<SearchArea> {
  const parts = await buildSearch(platform.settings, {
    database: platform.database,
    snippets: deps.snippets,
    logger: platform.logger,
    overrides: { estimateComplexity: deps.estimateComplexity },
  });
  // The glossary's descriptions are embedded in the model's thread once (about 180 short
  // texts, a second or two of that thread): the API does it at start, not in its first
  // user's query. Test apps leave it to the first query, so the many that never search do
  // not pay for it; the sync worker and resync never search.
  if (platform.settings.environment !== "test") {
    parts.search
      .warm()
      .catch((err: unknown) =>
        platform.logger.warn({ err: String(err) }, "could not embed the search glossary"),
      );
  }
  return {
    ...parts,
    health: {
      search: async () => {
        await parts.index.ping();
        return {
          status: "ok",
          index: parts.index.kind,
          embedder: parts.embedder.model,
          pending_sync_events: await parts.sync.pendingCount(),
        };
      },
    },
    processor: searchSyncProcessor(parts.sync),
    routes: async (app, guard) => {
      await app.register(async (scope) =>
        registerSearchRoutes(scope, { search: parts.search, guard }),
      );
    },
  };
}
