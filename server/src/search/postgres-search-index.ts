// SearchIndex on PostgreSQL (PGlite or a server). Vector neighbours come from pgvector where
// the extension exists and from exact cosine over the stored float32 vectors where it does
// not (postgres-vector-cache.ts) — the same exact ranking either way; words are matched by
// the shared in-process lexical index (IDF, typo tolerance) and both are scored on one
// calibrated scale (hybrid.ts, ranking.ts).
import { sql } from "drizzle-orm";
import { complexityRank, indexNotation } from "../analysis/complexity-notation.js";
import type { Db } from "../platform/db/database.js";
import { searchDocuments } from "../platform/db/schema/index.js";
import { CorpusCache, type CorpusSource } from "./corpus-cache.js";
import { CANDIDATES, cosineF32, hybridRank, similarScore } from "./hybrid.js";
import { candidatePool, orderHits } from "./ordering.js";
import { filterOrderSql, filterSql, hasFilters } from "./postgres-query-compiler.js";
import { rows, VectorCache } from "./postgres-vector-cache.js";
import type {
  ComplexityType,
  IndexedSnippet,
  IndexSearch,
  IndexSearchResult,
  SearchHit,
  SearchIndex,
} from "./search-index.js";
import { decodeVector, encodeVector } from "./vector-codec.js";

interface HitRow {
  snippet_id: string;
  title: string | null;
  language: string;
  description: string | null;
  time_complexity: string | null;
  space_complexity: string | null;
}

const HIT_COLUMNS = sql`snippet_id, title, language, description, time_complexity, space_complexity`;

const toHit = (r: HitRow, score: number): SearchHit => ({
  snippetId: r.snippet_id,
  title: r.title,
  language: r.language,
  description: r.description,
  timeComplexity: r.time_complexity,
  spaceComplexity: r.space_complexity,
  score,
});

const vectorLiteral = (v: number[]) => `[${v.join(",")}]`;

export class PostgresSearchIndex implements SearchIndex {
  readonly kind = "postgres" as const;
  private readonly cache: VectorCache;
  private readonly corpus: CorpusCache;
  /** Set by init(): whether the pgvector column exists (and is kept up to date). */
  pgvector = false;

  /** Whether searches take their neighbours from pgvector. */
  private get usePgvector(): boolean {
    return this.pgvector && this.opts.rankWithPgvector !== false;
  }

  /** `dimensions` follow the embedder: the pgvector column is sized to it. With
   * `rankWithPgvector: false` the column is still kept but neighbours come from the
   * in-process scan: PGlite runs pgvector's sequential scan inside its WASM build on the
   * event loop, ~100 ms of CPU per search at 10,000 snippets against ~10 ms in process. */
  constructor(
    private readonly db: Db,
    private readonly dimensions: number,
    private readonly opts: { rankWithPgvector?: boolean } = {},
  ) {
    this.cache = new VectorCache(db, dimensions);
    this.corpus = new CorpusCache(this.corpusSource());
  }

  private corpusSource(): CorpusSource {
    return {
      state: async (userId) => {
        const [r] = await rows<{ n: number; v: number }>(
          this.db,
          sql`select documents as n, version::float8 as v
              from search_index_state where user_id = ${userId}`,
        );
        return { count: r?.n ?? 0, version: r?.v ?? 0 };
      },
      rows: async (userId, since) => {
        const found = await rows<{ id: string; lexical: string; s: Uint8Array | null; v: number }>(
          this.db,
          sql`select snippet_id as id, lexical, structure as s, version::float8 as v
              from search_documents where user_id = ${userId}
              ${since === undefined ? sql`` : sql`and version >= ${since}`}`,
        );
        return found.map((r) => ({
          id: r.id,
          lexical: r.lexical,
          structure: r.s ? decodeVector(r.s) : null,
          version: r.v,
        }));
      },
    };
  }

  /** pgvector is optional: its column is added here, outside the Drizzle migrations, so
   * migrations run the same on a server without the extension. Its size follows the
   * embedder; a column of another size (the embedder changed) is dropped and re-made, and
   * the sync's re-embed fills it again. */
  async init(): Promise<void> {
    const [available] = await rows<{ ok: boolean }>(
      this.db,
      sql`select exists(select 1 from pg_available_extensions where name = 'vector') as ok`,
    );
    if (!available?.ok) return;
    try {
      await this.db.execute(sql`create extension if not exists vector`);
      const [col] = await rows<{ t: string }>(
        this.db,
        sql`select format_type(atttypid, atttypmod) as t from pg_attribute
            where attrelid = 'search_documents'::regclass and attname = 'embedding_vector'
              and not attisdropped`,
      );
      if (col && col.t !== `vector(${this.dimensions})`) {
        await this.db.execute(sql`alter table search_documents drop column embedding_vector`);
      }
      await this.db.execute(
        sql.raw(
          `alter table search_documents add column if not exists embedding_vector vector(${this.dimensions})`,
        ),
      );
      this.pgvector = true;
    } catch {
      // Available but not installable (permissions): exact cosine in process instead.
      this.pgvector = false;
    }
  }

  async upsert(doc: IndexedSnippet): Promise<void> {
    this.invalidate(doc.userId);
    const values = {
      snippetId: doc.snippetId,
      userId: doc.userId,
      title: doc.title,
      description: doc.description,
      language: doc.language,
      timeComplexity: doc.timeComplexity,
      spaceComplexity: doc.spaceComplexity,
      timeRank: complexityRank(doc.timeComplexity) ?? null,
      spaceRank: complexityRank(doc.spaceComplexity) ?? null,
      isStarred: doc.isStarred,
      terms: doc.terms,
      lexical: doc.lexical,
      structure: encodeVector(doc.structure),
      // Kept for readers of the table (psql, a later full-text use); search itself ranks
      // words with `lexical`. Title only: a tsvector of 18 KB of words held PGlite's
      // in-process WASM (and so the event loop) for over 100 ms per write.
      document: sql`setweight(to_tsvector('english', coalesce(${doc.title}::text, '')), 'A')`,
      embedding: encodeVector(doc.embedding),
      embeddingModel: doc.embeddingModel,
      snippetUpdatedAt: doc.updatedAt,
    };
    const { snippetId: _id, ...changes } = values;
    await this.db
      .insert(searchDocuments)
      .values(values as unknown as typeof searchDocuments.$inferInsert)
      .onConflictDoUpdate({
        target: searchDocuments.snippetId,
        set: {
          ...(changes as unknown as Partial<typeof searchDocuments.$inferInsert>),
          version: sql`nextval('search_documents_version_seq')`,
          indexedAt: sql`now()`,
        },
      });
    if (this.pgvector && doc.embedding.length === this.dimensions) {
      await this.db.execute(
        sql`update search_documents set embedding_vector = ${vectorLiteral(doc.embedding)}::vector
            where snippet_id = ${doc.snippetId}`,
      );
    }
  }

  async upsertMany(docs: IndexedSnippet[]): Promise<void> {
    // PostgreSQL commits are cheap; one statement per document keeps one code path.
    for (const doc of docs) await this.upsert(doc);
  }

  private invalidate(userId: string): void {
    this.cache.invalidate(userId);
    this.corpus.invalidate(userId);
  }

  async remove(userId: string, snippetId: string): Promise<void> {
    this.invalidate(userId);
    await this.db.execute(
      sql`delete from search_documents where snippet_id = ${snippetId} and user_id = ${userId}`,
    );
  }

  async search(userId: string, req: IndexSearch): Promise<IndexSearchResult> {
    const { query, limit } = req;
    const where = filterSql(userId, query);
    if (!query.text.trim() && !req.embedding) {
      const found = await rows<HitRow>(
        this.db,
        sql`select ${HIT_COLUMNS} from search_documents where ${where}
            order by ${filterOrderSql(query)} limit ${limit}`,
      );
      return { hits: found.map((r) => toHit(r, 1)), strategy: "filter" };
    }
    let allowed: Set<string> | undefined;
    if (hasFilters(query)) {
      const ids = await rows<{ id: string }>(
        this.db,
        sql`select snippet_id as id from search_documents where ${where}`,
      );
      allowed = new Set(ids.map((r) => r.id));
    }
    const embedding = req.embedding;
    const [corpus, vectors] = await Promise.all([
      this.corpus.load(userId),
      embedding ? this.vectorCandidates(userId, req, where, allowed) : Promise.resolve([]),
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
      query.order === "relevance" || query.order === "newest" ? limit : candidatePool(limit);
    const hits = await this.fetchHits(
      userId,
      ranked.slice(0, pool).map((r): [string, number] => [r.id, r.score]),
    );
    return { hits: orderHits(hits, query.order).slice(0, limit), strategy: "hybrid" };
  }

  private async vectorCandidates(
    userId: string,
    req: IndexSearch,
    where: ReturnType<typeof sql>,
    allowed: Set<string> | undefined,
  ): Promise<{ id: string; cosine: number }[]> {
    const embedding = req.embedding as number[];
    if (this.usePgvector && embedding.length === this.dimensions) {
      const q = vectorLiteral(embedding);
      const found = await rows<{ id: string; c: number }>(
        this.db,
        sql`select snippet_id as id, 1 - (embedding_vector <=> ${q}::vector) as c
            from search_documents
            where ${where} and embedding_model = ${req.embeddingModel}
              and embedding_vector is not null
            order by embedding_vector <=> ${q}::vector, snippet_id limit ${CANDIDATES}`,
      );
      return found.map((r) => ({ id: r.id, cosine: Number(r.c) }));
    }
    const near = await this.cache.nearest(
      userId,
      req.embeddingModel,
      embedding,
      CANDIDATES,
      allowed,
    );
    return near.map((n) => ({ id: n.id, cosine: n.score }));
  }

  /** Cosines of the query with given snippets (those only the words proposed): from the
   * in-process vectors, which the exact path has loaded anyway; one query on pgvector. */
  private async cosines(userId: string, req: IndexSearch, ids: string[]) {
    const q = req.embedding as number[];
    if (!this.usePgvector) return this.cache.cosines(userId, req.embeddingModel, q, ids);
    const found = await rows<{ id: string; e: Uint8Array }>(
      this.db,
      sql`select snippet_id as id, embedding as e from search_documents
          where user_id = ${userId} and embedding_model = ${req.embeddingModel}
            and snippet_id in (${sql.join(
              ids.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`,
    );
    return new Map(found.map((r) => [r.id, cosineF32(q, decodeVector(r.e))]));
  }

  /** Loads the user's caches (words, and vectors on the exact path) while the query is
   * being embedded, so the search itself finds them fresh. */
  async prepare(userId: string, model: string): Promise<void> {
    await Promise.all([
      this.corpus.load(userId),
      this.usePgvector ? Promise.resolve() : this.cache.load(userId, model),
    ]);
  }

  private async fetchHits(userId: string, scored: [string, number][]): Promise<SearchHit[]> {
    if (scored.length === 0) return [];
    const ids = scored.map(([id]) => id);
    const found = await rows<HitRow>(
      this.db,
      sql`select ${HIT_COLUMNS} from search_documents
          where user_id = ${userId} and snippet_id in (${sql.join(
            ids.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
    );
    const byId = new Map(found.map((r) => [r.snippet_id, r]));
    return scored.flatMap(([id, score]) => {
      const r = byId.get(id);
      return r ? [toHit(r, score)] : [];
    });
  }

  async byComplexity(userId: string, type: ComplexityType, value: string, limit: number) {
    const notation = indexNotation(value);
    const rank = complexityRank(notation);
    const column = type === "time" ? sql`time_complexity` : sql`space_complexity`;
    const rankColumn = type === "time" ? sql`time_rank` : sql`space_rank`;
    const match = rank === undefined ? sql`${column} = ${notation}` : sql`${rankColumn} = ${rank}`;
    const where = sql`user_id = ${userId} and ${match}`;
    const [found, counted] = await Promise.all([
      rows<HitRow>(
        this.db,
        sql`select ${HIT_COLUMNS} from search_documents where ${where}
            order by is_starred desc, snippet_updated_at desc, snippet_id limit ${limit}`,
      ),
      rows<{ n: number }>(
        this.db,
        sql`select count(*)::int as n from search_documents where ${where}`,
      ),
    ]);
    return { hits: found.map((r) => toHit(r, 1)), total: counted[0]?.n ?? 0 };
  }

  async similar(userId: string, snippetId: string, limit: number): Promise<SearchHit[] | null> {
    const [source] = await rows<{ e: Uint8Array; model: string; s: Uint8Array | null }>(
      this.db,
      sql`select embedding as e, embedding_model as model, structure as s from search_documents
          where snippet_id = ${snippetId} and user_id = ${userId}`,
    );
    if (!source) return null;
    const embedding = Array.from(decodeVector(source.e));
    const shape = source.s ? decodeVector(source.s) : undefined;
    const [near, corpus] = await Promise.all([
      this.cache.nearest(userId, source.model, embedding, Number.MAX_SAFE_INTEGER),
      this.corpus.load(userId),
    ]);
    const scored = near
      .filter((n) => n.id !== snippetId)
      .map((n): [string, number] => {
        const pos = corpus.position.get(n.id);
        const other = pos === undefined ? undefined : corpus.structure[pos];
        return [n.id, similarScore(n.score, shape && other ? cosineF32(shape, other) : undefined)];
      })
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit);
    return this.fetchHits(userId, scored);
  }

  async staleEmbeddings(model: string, limit: number, after?: string) {
    const found = await rows<{ snippet_id: string; user_id: string }>(
      this.db,
      sql`select snippet_id, user_id from search_documents
          where embedding_model <> ${model}
            ${after === undefined ? sql`` : sql`and snippet_id > ${after}::uuid`}
          order by snippet_id limit ${limit}`,
    );
    return found.map((r) => ({ snippetId: r.snippet_id, userId: r.user_id }));
  }

  async clear(): Promise<void> {
    this.cache.invalidateAll();
    this.corpus.invalidateAll();
    await this.db.execute(sql`delete from search_documents`);
  }

  async ping(): Promise<void> {
    await this.db.execute(sql`select 1 from search_documents limit 1`);
  }

  async close(): Promise<void> {}
}
