// SearchIndex on Neo4j: the original's graph — (:Snippet)-[:OWNED_BY]->(:User),
// -[:WRITTEN_IN]->(:Language), -[:HAS_TIME_COMPLEXITY|HAS_SPACE_COMPLEXITY]->(:Complexity
// {notation, rank}) — with a full-text index and the `snippet_embedding` vector index.
// Every query starts from the caller's (:User) or checks OWNED_BY to it. Words are matched by
// the shared in-process lexical index (IDF, typo tolerance) and scored with the vector
// cosines on one calibrated scale (hybrid.ts), as in the PostgreSQL index.
import neo4j, { type Driver } from "neo4j-driver";
import { complexityRank, indexNotation } from "../analysis/complexity-notation.js";
import { CorpusCache, type CorpusSource } from "./corpus-cache.js";
import { EMBEDDING_DIMENSIONS, isZeroVector } from "./embedder.js";
import { CANDIDATES, hybridRank, SIMILAR_BLEND } from "./hybrid.js";
import { runNeo4jMigrations } from "./neo4j-migrations/runner.js";
import { compileFilter, filterOrder } from "./neo4j-query-compiler.js";
import { candidatePool, orderHits } from "./ordering.js";
import type {
  ComplexityType,
  IndexedSnippet,
  IndexSearch,
  IndexSearchResult,
  SearchHit,
  SearchIndex,
} from "./search-index.js";

/** Neo4j reports cosine similarity as (1 + cos) / 2; the rest of search speaks cosine. */
const toCosine = (neo4jScore: number) => 2 * neo4jScore - 1;

const HIT_FIELDS = `s.id AS id, s.title AS title, s.language AS language,
  s.description AS description, s.timeComplexity AS timeComplexity,
  s.spaceComplexity AS spaceComplexity`;

type Row = { get(key: string): unknown };

const toHit = (r: Row, score: number): SearchHit => ({
  snippetId: r.get("id") as string,
  title: (r.get("title") as string | null) ?? null,
  language: r.get("language") as string,
  description: (r.get("description") as string | null) ?? null,
  timeComplexity: (r.get("timeComplexity") as string | null) ?? null,
  spaceComplexity: (r.get("spaceComplexity") as string | null) ?? null,
  score,
});

/** One statement for one or many documents: index maintenance (full text, vectors) costs
 * per commit, so a batch commits once. */
const UPSERT = `
UNWIND $docs AS d
MERGE (u:User {id: d.userId})
MERGE (s:Snippet {id: d.snippetId})
SET s.title = d.title, s.description = d.description, s.terms = d.terms,
    s.lexical = d.lexical, s.structure = d.structure, s.version = timestamp(),
    s.language = d.language, s.isStarred = d.isStarred,
    s.timeComplexity = d.timeComplexity, s.spaceComplexity = d.spaceComplexity,
    s.timeRank = d.timeRank, s.spaceRank = d.spaceRank,
    s.embedding = d.embedding, s.embeddingModel = d.embeddingModel,
    s.updatedAt = datetime(d.updatedAt), s.indexedAt = datetime()
WITH s, u, d
OPTIONAL MATCH (s)-[old:OWNED_BY|WRITTEN_IN|HAS_TIME_COMPLEXITY|HAS_SPACE_COMPLEXITY]->()
DELETE old
WITH DISTINCT s, u, d
MERGE (s)-[:OWNED_BY]->(u)
MERGE (l:Language {name: d.language})
MERGE (s)-[:WRITTEN_IN]->(l)
FOREACH (n IN CASE WHEN d.timeComplexity IS NULL THEN [] ELSE [d.timeComplexity] END |
  MERGE (c:Complexity {notation: n}) ON CREATE SET c.rank = d.timeRank
  MERGE (s)-[:HAS_TIME_COMPLEXITY]->(c))
FOREACH (n IN CASE WHEN d.spaceComplexity IS NULL THEN [] ELSE [d.spaceComplexity] END |
  MERGE (c:Complexity {notation: n}) ON CREATE SET c.rank = d.spaceRank
  MERGE (s)-[:HAS_SPACE_COMPLEXITY]->(c))`;

const toParams = (doc: IndexedSnippet) => ({
  userId: doc.userId,
  snippetId: doc.snippetId,
  title: doc.title,
  description: doc.description,
  terms: doc.terms,
  lexical: doc.lexical,
  structure: isZeroVector(doc.structure) ? null : doc.structure,
  language: doc.language,
  isStarred: doc.isStarred,
  timeComplexity: doc.timeComplexity,
  spaceComplexity: doc.spaceComplexity,
  timeRank: complexityRank(doc.timeComplexity) ?? null,
  spaceRank: complexityRank(doc.spaceComplexity) ?? null,
  // Cosine is undefined for a zero vector and Neo4j would fail the whole query on it.
  embedding: isZeroVector(doc.embedding) ? null : doc.embedding,
  embeddingModel: doc.embeddingModel,
  updatedAt: doc.updatedAt.toISOString(),
});

/** Up to this many snippets per user, vectors are compared exactly; above it the HNSW
 * index answers (approximate, like any ANN), oversampled to survive the owner filter. */
export const EXACT_VECTOR_LIMIT = 2_000;
const ANN_OVERSAMPLE = 20;

export interface Neo4jConfig {
  uri: string;
  user: string;
  password: string | undefined;
}

export interface Neo4jIndexOptions {
  /** The embedder's size: the vector index is made (or re-made) to match it. */
  dimensions?: number;
  exactVectorLimit?: number;
}

export class Neo4jSearchIndex implements SearchIndex {
  readonly kind = "neo4j" as const;
  private readonly corpus: CorpusCache;
  private readonly dimensions: number;
  private readonly exactVectorLimit: number;

  constructor(
    private readonly driver: Driver,
    opts: Neo4jIndexOptions = {},
  ) {
    this.dimensions = opts.dimensions ?? EMBEDDING_DIMENSIONS;
    this.exactVectorLimit = opts.exactVectorLimit ?? EXACT_VECTOR_LIMIT;
    this.corpus = new CorpusCache(this.corpusSource());
  }

  private corpusSource(): CorpusSource {
    return {
      state: async (userId) => {
        const [r] = await this.run(
          `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet)
           RETURN count(s) AS n, coalesce(max(s.version), 0) AS v`,
          { userId },
        );
        return { count: Number(r?.get("n") ?? 0), version: Number(r?.get("v") ?? 0) };
      },
      rows: async (userId, since) => {
        const records = await this.run(
          `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet)
           WHERE $since IS NULL OR s.version >= $since
           RETURN s.id AS id, s.lexical AS lexical, s.structure AS structure, s.version AS version`,
          { userId, since: since ?? null },
        );
        return records.map((r) => ({
          id: r.get("id") as string,
          lexical: (r.get("lexical") as string | null) ?? "",
          structure: (r.get("structure") as number[] | null) ?? null,
          version: Number(r.get("version") ?? 0),
        }));
      },
    };
  }

  static connect(cfg: Neo4jConfig, opts: Neo4jIndexOptions = {}): Neo4jSearchIndex {
    const driver = neo4j.driver(cfg.uri, neo4j.auth.basic(cfg.user, cfg.password ?? ""), {
      disableLosslessIntegers: true,
      // Fail fast when the server is down: the sync keeps events pending and retries.
      connectionTimeout: 3_000,
      connectionAcquisitionTimeout: 5_000,
      maxTransactionRetryTime: 2_000,
    });
    return new Neo4jSearchIndex(driver, opts);
  }

  /** Set once the graph's migrations have run: a Neo4j that was down when the app started
   * gets them on first use instead of never. */
  private migrated = false;

  private async run(cypher: string, params: Record<string, unknown> = {}) {
    if (!this.migrated) await this.init();
    return this.runRaw(cypher, params);
  }

  private async runRaw(cypher: string, params: Record<string, unknown>) {
    const session = this.driver.session();
    try {
      return (await session.run(cypher, params)).records;
    } finally {
      await session.close();
    }
  }

  async init(): Promise<void> {
    await runNeo4jMigrations(this.driver);
    await this.sizeVectorIndex();
    this.migrated = true;
  }

  /** The vector index follows the embedder's size: one of another size (the embedder
   * changed) is dropped and made again; the sync's re-embed then fills it. */
  private async sizeVectorIndex(): Promise<void> {
    const [found] = await this.runRaw(
      `SHOW VECTOR INDEXES YIELD name, options WHERE name = 'snippet_embedding'
       RETURN options.indexConfig['vector.dimensions'] AS d`,
      {},
    );
    if (found && Number(found.get("d")) === this.dimensions) return;
    if (found) await this.runRaw("DROP INDEX snippet_embedding IF EXISTS", {});
    await this.runRaw(
      `CREATE VECTOR INDEX snippet_embedding IF NOT EXISTS FOR (s:Snippet) ON (s.embedding)
       OPTIONS { indexConfig: { \`vector.dimensions\`: ${Math.trunc(this.dimensions)}, \`vector.similarity_function\`: 'cosine' } }`,
      {},
    );
  }

  async upsert(doc: IndexedSnippet): Promise<void> {
    this.corpus.invalidate(doc.userId);
    await this.run(UPSERT, { docs: [toParams(doc)] });
  }

  async upsertMany(docs: IndexedSnippet[]): Promise<void> {
    for (const d of docs) this.corpus.invalidate(d.userId);
    for (let i = 0; i < docs.length; i += 500) {
      await this.run(UPSERT, { docs: docs.slice(i, i + 500).map(toParams) });
    }
  }

  async remove(userId: string, snippetId: string): Promise<void> {
    this.corpus.invalidate(userId);
    await this.run(
      "MATCH (s:Snippet {id: $snippetId})-[:OWNED_BY]->(:User {id: $userId}) DETACH DELETE s",
      { userId, snippetId },
    );
  }

  async search(userId: string, req: IndexSearch): Promise<IndexSearchResult> {
    const { query, limit } = req;
    const filter = compileFilter(query);
    const params = { ...filter.params, userId };
    if (!query.text.trim() && !req.embedding) {
      const records = await this.run(
        `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet) WHERE ${filter.where}
         RETURN ${HIT_FIELDS} ORDER BY ${filterOrder(query)} LIMIT $limit`,
        { ...params, limit: neo4j.int(limit) },
      );
      return { hits: records.map((r) => toHit(r, 1)), strategy: "filter" };
    }
    let allowed: Set<string> | undefined;
    if (filter.where !== "true") {
      const records = await this.run(
        `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet) WHERE ${filter.where} RETURN s.id AS id`,
        params,
      );
      allowed = new Set(records.map((r) => r.get("id") as string));
    }
    const embedding = req.embedding;
    const [corpus, vectors] = await Promise.all([
      this.corpus.load(userId),
      embedding
        ? this.vectorCandidates(embedding, req.embeddingModel, filter.where, params)
        : Promise.resolve([]),
    ]);
    const ranked = await hybridRank({
      corpus,
      text: query.text,
      expansion: req.expansion,
      allowed,
      vectors,
      cosines: (ids) => this.cosines(userId, req, ids),
      calibration: embedding ? req.calibration : undefined,
    });
    const pool =
      query.order === "fastest" || query.order === "slowest" ? candidatePool(limit) : limit;
    const hits = await this.fetchHits(
      userId,
      ranked.slice(0, pool).map((r): [string, number] => [r.id, r.score]),
    );
    return { hits: orderHits(hits, query.order).slice(0, limit), strategy: "hybrid" };
  }

  /** Loads the user's words while the query is being embedded. */
  async prepare(userId: string): Promise<void> {
    await this.corpus.load(userId);
  }

  private async cosines(userId: string, req: IndexSearch, ids: string[]) {
    const records = await this.run(
      `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet)
       WHERE s.id IN $ids AND s.embeddingModel = $model AND s.embedding IS NOT NULL
       RETURN s.id AS id, vector.similarity.cosine(s.embedding, $embedding) AS score`,
      { userId, ids, model: req.embeddingModel, embedding: req.embedding },
    );
    return new Map(records.map((r) => [r.get("id") as string, toCosine(r.get("score") as number)]));
  }

  private async vectorCandidates(
    embedding: number[],
    model: string,
    where: string,
    params: Record<string, unknown>,
  ): Promise<{ id: string; cosine: number }[]> {
    const args = { ...params, model, embedding, k: neo4j.int(CANDIDATES) };
    const [sized] = await this.run(
      "MATCH (u:User {id: $userId}) RETURN COUNT { (u)<-[:OWNED_BY]-(:Snippet) } AS n",
      params,
    );
    const owned = Number(sized?.get("n") ?? 0);
    const read = (rs: { get(k: string): unknown }[]) =>
      rs.map((r) => ({ id: r.get("id") as string, cosine: toCosine(r.get("score") as number) }));
    if (owned > this.exactVectorLimit) {
      const ann = await this.run(
        `CALL db.index.vector.queryNodes('snippet_embedding', $ann, $embedding) YIELD node AS s, score
         WHERE EXISTS { MATCH (s)-[:OWNED_BY]->(:User {id: $userId}) }
           AND s.embeddingModel = $model AND ${where}
         RETURN s.id AS id, score ORDER BY score DESC, id LIMIT $k`,
        { ...args, ann: neo4j.int(Math.min(owned, CANDIDATES * ANN_OVERSAMPLE)) },
      );
      // Enough neighbours survived the owner and query filters: done. Otherwise the
      // filters are selective, and the exact scan below is the right tool anyway.
      if (ann.length >= CANDIDATES) return read(ann);
    }
    // Exact cosine over the user's own snippets: a global ANN index would return other
    // users' neighbours first and lose recall after the owner filter.
    const exact = await this.run(
      `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet)
       WHERE s.embeddingModel = $model AND s.embedding IS NOT NULL AND ${where}
       WITH s, vector.similarity.cosine(s.embedding, $embedding) AS score
       RETURN s.id AS id, score ORDER BY score DESC, id LIMIT $k`,
      args,
    );
    return read(exact);
  }

  private async fetchHits(userId: string, scored: [string, number][]): Promise<SearchHit[]> {
    if (scored.length === 0) return [];
    const records = await this.run(
      `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet) WHERE s.id IN $ids RETURN ${HIT_FIELDS}`,
      { userId, ids: scored.map(([id]) => id) },
    );
    const byId = new Map(records.map((r) => [r.get("id") as string, r]));
    return scored.flatMap(([id, score]) => {
      const r = byId.get(id);
      return r ? [toHit(r, score)] : [];
    });
  }

  async byComplexity(userId: string, type: ComplexityType, value: string, limit: number) {
    const rel = type === "time" ? "HAS_TIME_COMPLEXITY" : "HAS_SPACE_COMPLEXITY";
    const notation = indexNotation(value);
    const match = `MATCH (:User {id: $userId})<-[:OWNED_BY]-(s:Snippet)-[:${rel}]->(:Complexity {notation: $notation})`;
    const params = { userId, notation };
    const [records, counted] = await Promise.all([
      this.run(
        `${match} RETURN ${HIT_FIELDS} ORDER BY s.isStarred DESC, s.updatedAt DESC, s.id LIMIT $limit`,
        { ...params, limit: neo4j.int(limit) },
      ),
      this.run(`${match} RETURN count(s) AS n`, params),
    ]);
    return {
      hits: records.map((r) => toHit(r, 1)),
      total: Number(counted[0]?.get("n") ?? 0),
    };
  }

  async similar(userId: string, snippetId: string, limit: number): Promise<SearchHit[] | null> {
    const source = await this.run(
      "MATCH (:User {id: $userId})<-[:OWNED_BY]-(src:Snippet {id: $snippetId}) RETURN src.id AS id",
      { userId, snippetId },
    );
    if (source.length === 0) return null;
    // The same blend as hybrid.ts similarScore, computed where the vectors are.
    const records = await this.run(
      `MATCH (u:User {id: $userId})<-[:OWNED_BY]-(src:Snippet {id: $snippetId})
       MATCH (u)<-[:OWNED_BY]-(s:Snippet)
       WHERE s <> src AND s.embeddingModel = src.embeddingModel
         AND s.embedding IS NOT NULL AND src.embedding IS NOT NULL
       WITH s, 2 * vector.similarity.cosine(s.embedding, src.embedding) - 1 AS meaning,
            CASE WHEN s.structure IS NULL OR src.structure IS NULL THEN null
                 ELSE 2 * vector.similarity.cosine(s.structure, src.structure) - 1 END AS shape
       WITH s, $meaningWeight * meaning + $shapeWeight * coalesce(shape, meaning) AS score
       RETURN ${HIT_FIELDS}, score ORDER BY score DESC, s.id LIMIT $limit`,
      {
        userId,
        snippetId,
        limit: neo4j.int(limit),
        meaningWeight: SIMILAR_BLEND.meaning,
        shapeWeight: SIMILAR_BLEND.structure,
      },
    );
    return records.map((r) => toHit(r, Math.max(0, Math.min(1, r.get("score") as number))));
  }

  async staleEmbeddings(model: string, limit: number, after?: string) {
    const records = await this.run(
      `MATCH (s:Snippet)-[:OWNED_BY]->(u:User)
       WHERE s.embeddingModel <> $model AND ($after IS NULL OR s.id > $after)
       RETURN s.id AS snippetId, u.id AS userId ORDER BY s.id LIMIT $limit`,
      { model, limit: neo4j.int(limit), after: after ?? null },
    );
    return records.map((r) => ({
      snippetId: r.get("snippetId") as string,
      userId: r.get("userId") as string,
    }));
  }

  async clear(): Promise<void> {
    this.corpus.invalidateAll();
    await this.run(
      "MATCH (s:Snippet) CALL { WITH s DETACH DELETE s } IN TRANSACTIONS OF 1000 ROWS",
    );
  }

  async ping(): Promise<void> {
    await this.runRaw("RETURN 1", {});
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
