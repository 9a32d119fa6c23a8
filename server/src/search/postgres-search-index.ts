// SearchIndex on PostgreSQL (PGlite or a server): full text (tsvector over title,
// description and identifier words) fused by reciprocal rank with vector similarity —
// pgvector where the extension exists, exact cosine over the stored float32 vectors where it
// does not (see postgres-vector-cache.ts). Both give the same exact ranking.
import { sql } from "drizzle-orm";
import type { Db } from "../platform/db/database.js";
import { searchDocuments } from "../platform/db/schema/index.js";
import { complexityRank, normalizeComplexity } from "./complexity.js";
import { candidatePool, orderHits } from "./ordering.js";
import { filterOrderSql, filterSql, hasFilters, tsQuerySql } from "./postgres-query-compiler.js";
import { rows, VectorCache } from "./postgres-vector-cache.js";
import {
  type ComplexityType,
  fuse,
  type IndexedSnippet,
  type IndexSearch,
  type IndexSearchResult,
  type SearchHit,
  type SearchIndex,
} from "./search-index.js";
import { decodeVector, encodeVector } from "./vector-codec.js";

/** Candidates each ranked list contributes to the fusion. */
const CANDIDATES = 50;

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
  /** Set by init(): whether the pgvector column exists and is used. */
  pgvector = false;

  constructor(
    private readonly db: Db,
    private readonly dimensions: number,
    private readonly opts: { usePgvector?: boolean } = {},
  ) {
    this.cache = new VectorCache(db, dimensions);
  }

  /** pgvector is optional: its column is added here, outside the Drizzle migrations, so
   * migrations run the same on a server without the extension. */
  async init(): Promise<void> {
    if (this.opts.usePgvector === false) return;
    const [available] = await rows<{ ok: boolean }>(
      this.db,
      sql`select exists(select 1 from pg_available_extensions where name = 'vector') as ok`,
    );
    if (!available?.ok) return;
    try {
      await this.db.execute(sql`create extension if not exists vector`);
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
      document: sql`setweight(to_tsvector('english', coalesce(${doc.title}::text, '')), 'A')
        || setweight(to_tsvector('english', coalesce(${doc.description}::text, '')), 'B')
        || setweight(to_tsvector('english', ${doc.terms}::text), 'C')`,
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
    if (this.pgvector) {
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

  async remove(userId: string, snippetId: string): Promise<void> {
    await this.db.execute(
      sql`delete from search_documents where snippet_id = ${snippetId} and user_id = ${userId}`,
    );
  }

  async search(userId: string, req: IndexSearch): Promise<IndexSearchResult> {
    const { query, limit } = req;
    const where = filterSql(userId, query);
    const tsq = tsQuerySql(query.text);
    if (!tsq && !req.embedding) {
      const found = await rows<HitRow>(
        this.db,
        sql`select ${HIT_COLUMNS} from search_documents where ${where}
            order by ${filterOrderSql(query)} limit ${limit}`,
      );
      return { hits: found.map((r) => toHit(r, 1)), strategy: "filter" };
    }
    const [textIds, vectorIds] = await Promise.all([
      tsq ? this.textCandidates(where, tsq) : Promise.resolve([]),
      req.embedding ? this.vectorCandidates(userId, req, where) : Promise.resolve([] as string[]),
    ]);
    const lists = [textIds, vectorIds].filter((l) => l.length > 0);
    const fused = [...fuse(lists)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const pool =
      query.order === "relevance" || query.order === "newest" ? limit : candidatePool(limit);
    const chosen = fused.slice(0, pool);
    const hits = await this.fetchHits(userId, chosen);
    return { hits: orderHits(hits, query.order).slice(0, limit), strategy: "hybrid" };
  }

  private async textCandidates(where: ReturnType<typeof sql>, tsq: ReturnType<typeof sql>) {
    const found = await rows<{ id: string }>(
      this.db,
      sql`select snippet_id as id from search_documents
          where ${where} and document @@ ${tsq}
          order by ts_rank_cd(document, ${tsq}) desc, snippet_id limit ${CANDIDATES}`,
    );
    return found.map((r) => r.id);
  }

  private async vectorCandidates(
    userId: string,
    req: IndexSearch,
    where: ReturnType<typeof sql>,
  ): Promise<string[]> {
    const embedding = req.embedding as number[];
    if (this.pgvector) {
      const q = vectorLiteral(embedding);
      const found = await rows<{ id: string }>(
        this.db,
        sql`select snippet_id as id from search_documents
            where ${where} and embedding_model = ${req.embeddingModel}
              and embedding_vector <=> ${q}::vector < 1
            order by embedding_vector <=> ${q}::vector, snippet_id limit ${CANDIDATES}`,
      );
      // Same candidates as the in-process path: cosine > 0, ties by id.
      return found.map((r) => r.id);
    }
    let allowed: Set<string> | undefined;
    if (hasFilters(req.query)) {
      const ids = await rows<{ id: string }>(
        this.db,
        sql`select snippet_id as id from search_documents where ${where}`,
      );
      allowed = new Set(ids.map((r) => r.id));
    }
    const near = await this.cache.nearest(
      userId,
      req.embeddingModel,
      embedding,
      CANDIDATES,
      allowed,
    );
    return near.filter((n) => n.score > 0).map((n) => n.id);
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
    const notation = normalizeComplexity(value);
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
    const [source] = await rows<{ e: Uint8Array; model: string }>(
      this.db,
      sql`select embedding as e, embedding_model as model from search_documents
          where snippet_id = ${snippetId} and user_id = ${userId}`,
    );
    if (!source) return null;
    const embedding = Array.from(decodeVector(source.e));
    const near = await this.cache.nearest(userId, source.model, embedding, limit + 1);
    const scored = near
      .filter((n) => n.id !== snippetId)
      .slice(0, limit)
      .map((n): [string, number] => [n.id, Math.max(0, Math.min(1, n.score))]);
    return this.fetchHits(userId, scored);
  }

  async clear(): Promise<void> {
    await this.db.execute(sql`delete from search_documents`);
  }

  async ping(): Promise<void> {
    await this.db.execute(sql`select 1 from search_documents limit 1`);
  }

  async close(): Promise<void> {}
}
