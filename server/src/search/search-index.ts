// The SearchIndex port: a per-user searchable copy of snippets, kept by the sync processor.
// Every read takes the caller's user id and adapters filter by it inside the query itself.
import type { ScoreCalibration } from "./embedder.js";
import type { StructuredQuery } from "./structured-query.js";

/** What the sync writes: the snippet's searchable fields, its words and its embedding. */
export interface IndexedSnippet {
  snippetId: string;
  userId: string;
  title: string | null;
  description: string | null;
  language: string;
  timeComplexity: string | null;
  spaceComplexity: string | null;
  isStarred: boolean;
  /** Title, description and identifier words (see text-features.ts searchTerms). */
  terms: string;
  /** Stems with field weights (lexical.ts lexicalTerms). */
  lexical: string;
  /** Name-blind code fingerprint (structure.ts). */
  structure: number[];
  embedding: number[];
  embeddingModel: string;
  updatedAt: Date;
}

export interface SearchHit {
  snippetId: string;
  title: string | null;
  language: string;
  description: string | null;
  timeComplexity: string | null;
  spaceComplexity: string | null;
  /** 0..1 on one scale for every query (ranking.ts); 1 for pure filter matches. */
  score: number;
}

export interface IndexSearch {
  /** The query, already understood and validated. */
  query: StructuredQuery;
  /** The query text's embedding (null when the query has no free text). */
  embedding: number[] | null;
  embeddingModel: string;
  /** Names a glossary entry the query describes adds (glossary-expansion.ts): matched as
   * words, but never required as names the user's code must have (named-terms.ts). */
  expansion?: string | undefined;
  /** How that embedder's cosines read as relevance. */
  calibration?: ScoreCalibration;
  limit: number;
}

export interface IndexSearchResult {
  /** Ordered, each at least MIN_SCORE (ranking.ts). */
  hits: SearchHit[];
  /** "hybrid" = full text fused with vectors; "filter" = structured filters only. */
  strategy: "hybrid" | "filter";
}

export type ComplexityType = "time" | "space";

export interface SearchIndex {
  readonly kind: "postgres" | "neo4j";
  /** Prepare storage (migrations, extensions); safe to call again. */
  init(): Promise<void>;
  upsert(doc: IndexedSnippet): Promise<void>;
  /** Many at once (resync, bulk loads): one round trip and one index commit per batch. */
  upsertMany(docs: IndexedSnippet[]): Promise<void>;
  /** Idempotent: removing what is not there succeeds. */
  remove(userId: string, snippetId: string): Promise<void>;
  search(userId: string, req: IndexSearch): Promise<IndexSearchResult>;
  /** Optional warm-up the service runs while it embeds the query (cache revalidation). */
  prepare?(userId: string, embeddingModel: string): Promise<void>;
  byComplexity(
    userId: string,
    type: ComplexityType,
    value: string,
    limit: number,
  ): Promise<{ hits: SearchHit[]; total: number }>;
  /** Nearest neighbours of one of the user's snippets by meaning and code structure
   * (similarity.ts); null when it is not indexed. */
  similar(userId: string, snippetId: string, limit: number): Promise<SearchHit[] | null>;
  /** Snippets whose stored vectors come from another embedder than `model`: they must be
   * embedded again (the sync re-embeds them through the outbox). */
  staleEmbeddings(
    model: string,
    limit: number,
    after?: string,
  ): Promise<{ snippetId: string; userId: string }[]>;
  /** Drop every document (resync rebuilds from PostgreSQL afterwards). */
  clear(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
