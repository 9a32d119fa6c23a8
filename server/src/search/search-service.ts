// Search over one user's snippets: understand the query (model or rules) into a validated
// StructuredQuery, embed its free text, and let the configured SearchIndex answer. An index
// that is down answers 503; it never falls back to another user's data or to raw text.
import { NotFoundError, UnavailableError } from "../platform/errors.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { type Embedder, isZeroVector } from "./embedder.js";
import { createGlossaryExpander, type GlossaryExpander } from "./glossary-expansion.js";
import { expandQuery } from "./query-expansion.js";
import { STRONG_SCORE } from "./ranking.js";
import type { ComplexityType, SearchHit, SearchIndex } from "./search-index.js";
import { correctSpelling } from "./spelling.js";
import type { QueryUnderstander } from "./structured-query.js";

export interface SearchResult {
  query: string;
  results: SearchHit[];
  /** The original's values: `cypher` when the graph answered a structured query alone. */
  method: "semantic" | "cypher";
  /** Which path answered: `<understanding>+<strategy>:<index>` (docs/search.md). */
  method_detail: string;
  total: number;
  /** True when no result is a strong match (best score under STRONG_SCORE, or none). */
  weak: boolean;
}

export interface SearchService {
  search(userId: string, q: string, limit: number): Promise<SearchResult>;
  byComplexity(
    userId: string,
    type: ComplexityType,
    value: string,
    limit: number,
  ): Promise<{ hits: SearchHit[]; total: number }>;
  similar(userId: string, snippetId: string, limit: number): Promise<SearchHit[]>;
  /** Embeds the glossary's descriptions (glossary-expansion.ts) now rather than in the
   * first query; a no-op without the expansion. */
  warm(): Promise<void>;
}

export interface SearchDeps {
  index: SearchIndex;
  embedder: Embedder;
  understander: QueryUnderstander;
  snippets: Pick<SnippetService, "assertOwned">;
  logger?: { warn(obj: object, msg: string): void } | undefined;
  /** Semantic query expansion (glossary-expansion.ts); by default the embedder's own
   * threshold decides, null turns it off. */
  glossary?: GlossaryExpander | null;
}

export function createSearchService(deps: SearchDeps): SearchService {
  const { index, embedder } = deps;
  const glossary =
    deps.glossary !== undefined
      ? deps.glossary
      : embedder.glossaryMinCosine !== undefined
        ? createGlossaryExpander(embedder, embedder.glossaryMinCosine)
        : null;
  /** Index failures become 503: the store is a dependency, not a bug in the request. The
   * cause is logged here, since the reply must not carry it. */
  async function fromIndex<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof NotFoundError) throw err;
      deps.logger?.warn({ err: String(err), index: index.kind }, "search index failed");
      throw new UnavailableError("Search is temporarily unavailable");
    }
  }
  return {
    async search(userId, q, limit) {
      const understood = await deps.understander.understand(q);
      // Typos fixed before the model reads the text ("bredth first serch"); the lexical
      // index also matches the user's own words within a small edit distance.
      // Then a phrase that stands for an algorithm adds its name (query-expansion.ts).
      const query = {
        ...understood.query,
        text: expandQuery(correctSpelling(understood.query.text)),
      };
      const pageSize = Math.min(limit, query.limit ?? limit);
      let embedding: number[] | null = null;
      let vectorsFailed = false;
      // The index revalidates its caches while the model embeds the query.
      const prepared = index.prepare?.(userId, embedder.model).catch(() => {});
      if (query.text.trim()) {
        try {
          const v = await embedder.embedQuery(query.text);
          embedding = isZeroVector(v) ? null : v;
        } catch (err) {
          // A flaky embedding API should cost meaning, not the whole search: text still works.
          vectorsFailed = true;
          deps.logger?.warn({ err: String(err) }, "query embedding failed; text search only");
        }
      }
      // A query that describes a glossary entry without naming it gains the name, for the
      // words and for a second embedding of the query with it.
      let expansion: string | undefined;
      if (embedding && glossary) {
        const described = await glossary.match(query.text, embedding);
        if (described) {
          expansion = described.name;
          const v = await embedder.embedQuery(`${query.text} ${expansion}`).catch(() => null);
          if (v && !isZeroVector(v)) embedding = v;
        }
      }
      await prepared;
      const found = await fromIndex(() =>
        index.search(userId, {
          query,
          embedding,
          expansion,
          embeddingModel: embedder.model,
          calibration: embedder.calibration,
          limit: pageSize,
        }),
      );
      const strategy = vectorsFailed && found.strategy === "hybrid" ? "text" : found.strategy;
      return {
        query: q,
        results: found.hits,
        method: index.kind === "neo4j" && strategy === "filter" ? "cypher" : "semantic",
        method_detail: `${understood.by}+${strategy}:${index.kind}`,
        total: found.hits.length,
        weak: !found.hits.some((h) => h.score >= STRONG_SCORE),
      };
    },

    warm: async () => {
      await glossary?.warm();
    },

    byComplexity: (userId, type, value, limit) =>
      fromIndex(() => index.byComplexity(userId, type, value, limit)),

    async similar(userId, snippetId, limit) {
      const hits = await fromIndex(() => index.similar(userId, snippetId, limit));
      if (hits) return hits;
      // Not indexed: someone else's (404) or the user's own, not synced yet (nothing similar).
      await deps.snippets.assertOwned(userId, snippetId);
      return [];
    },
  };
}
