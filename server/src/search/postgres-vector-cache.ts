// Exact cosine without pgvector. Scoring 10,000 × 768 floats in SQL takes most of a second
// (measured: ~870 ms on PostgreSQL 15), in JavaScript a few milliseconds, so each user's
// vectors are kept in memory and revalidated on every search by one index-only query:
// (count, max(version)) changes with every write, from any replica.
import { sql } from "drizzle-orm";
import type { Db } from "../platform/db/database.js";
import { decodeVectorInto } from "./vector-codec.js";

interface UserVectors {
  state: string;
  ids: string[];
  matrix: Float32Array;
}

/** Bounds memory: at 768 dimensions, 200k vectors ≈ 600 MB would be too much; 100k ≈ 300 MB. */
const MAX_CACHED_VECTORS = 100_000;

export async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** How long a user's cached state is trusted before it is checked again. This process's own
 * writes invalidate at once (`invalidate`); another replica's show within this much after
 * they are indexed — shorter than the sync's own 250 ms cadence. Checking on every search
 * cost a count over the user's rows per query (~20 ms at 10,000 snippets on a busy host). */
export const REVALIDATE_MS = 200;

export class VectorCache {
  private readonly users = new Map<string, UserVectors>();
  private readonly checkedAt = new Map<string, number>();

  invalidate(userId: string): void {
    this.checkedAt.delete(userId);
  }

  /** Every user's state is checked again on its next load (the index was cleared). */
  invalidateAll(): void {
    this.checkedAt.clear();
  }

  constructor(
    private readonly db: Db,
    private readonly dimensions: number,
  ) {}

  async load(userId: string, model: string): Promise<UserVectors> {
    const cached = this.users.get(userId);
    const checked = this.checkedAt.get(userId);
    if (
      cached?.state.startsWith(`${model}:`) &&
      checked !== undefined &&
      performance.now() - checked < REVALIDATE_MS
    ) {
      return cached;
    }
    // Index-only on (user_id, version): no model filter here, so no heap visits.
    const [s] = await rows<{ n: number; v: string }>(
      this.db,
      sql`select count(*)::int as n, coalesce(max(version), 0)::text as v
          from search_documents where user_id = ${userId}`,
    );
    this.checkedAt.set(userId, performance.now());
    const state = `${model}:${s?.n ?? 0}:${s?.v ?? "0"}`;
    if (cached && cached.state === state) {
      // Refresh recency for the LRU.
      this.users.delete(userId);
      this.users.set(userId, cached);
      return cached;
    }
    const found = await rows<{ id: string; e: Uint8Array }>(
      this.db,
      sql`select snippet_id as id, embedding as e from search_documents
          where user_id = ${userId} and embedding_model = ${model}`,
    );
    const matrix = new Float32Array(found.length * this.dimensions);
    found.forEach((r, i) => {
      decodeVectorInto(r.e, matrix, i * this.dimensions);
    });
    const entry = { state, ids: found.map((r) => r.id), matrix };
    this.users.set(userId, entry);
    this.evict();
    return entry;
  }

  /** Cosines of the query with the given snippets, from the cached vectors (those of
   * another model, or not cached, are left out). */
  async cosines(
    userId: string,
    model: string,
    query: number[],
    wanted: string[],
  ): Promise<Map<string, number>> {
    const { ids, matrix } = await this.load(userId, model);
    const d = this.dimensions;
    const want = new Set(wanted);
    const out = new Map<string, number>();
    for (let i = 0; i < ids.length && out.size < want.size; i++) {
      const id = ids[i] as string;
      if (!want.has(id)) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (matrix[i * d + j] as number) * (query[j] as number);
      out.set(id, dot);
    }
    return out;
  }

  /** Top `k` by cosine among `allowed` ids (all of the user's when undefined). */
  async nearest(
    userId: string,
    model: string,
    query: number[],
    k: number,
    allowed?: Set<string>,
  ): Promise<{ id: string; score: number }[]> {
    const { ids, matrix } = await this.load(userId, model);
    const d = this.dimensions;
    // Offline query vectors have a handful of non-zero buckets out of 768: visiting only
    // those makes the scan ~100× cheaper and gives the same dot products. Dense (Gemini)
    // vectors take the plain loop.
    const nz: number[] = [];
    query.forEach((x, j) => {
      if (x !== 0) nz.push(j);
    });
    const idx = Int32Array.from(nz);
    const val = Float32Array.from(nz.map((j) => query[j] as number));
    const sparse = idx.length < d / 4;
    const q = Float32Array.from(query);
    const scores = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const base = i * d;
      let dot = 0;
      if (sparse) {
        for (let t = 0; t < idx.length; t++) {
          dot += (matrix[base + (idx[t] as number)] as number) * (val[t] as number);
        }
      } else {
        for (let j = 0; j < d; j++) dot += (matrix[base + j] as number) * (q[j] as number);
      }
      scores[i] = dot;
    }
    let order: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (!allowed || allowed.has(ids[i] as string)) order.push(i);
    }
    if (order.length > k * 4) {
      // Cut to the k best by a native numeric sort of the scores, then order just those.
      const sorted = Float32Array.from(order, (i) => scores[i] as number).sort();
      const threshold = sorted[sorted.length - k] as number;
      order = order.filter((i) => (scores[i] as number) >= threshold);
    }
    order.sort(
      (a, b) =>
        (scores[b] as number) - (scores[a] as number) ||
        ((ids[a] as string) < (ids[b] as string) ? -1 : 1),
    );
    return order.slice(0, k).map((i) => ({ id: ids[i] as string, score: scores[i] as number }));
  }

  private evict(): void {
    let total = 0;
    for (const u of this.users.values()) total += u.ids.length;
    for (const [key, u] of this.users) {
      if (total <= MAX_CACHED_VECTORS || this.users.size <= 1) break;
      this.users.delete(key);
      this.checkedAt.delete(key);
      total -= u.ids.length;
    }
  }
}
