// Exact cosine without pgvector. Scoring 10,000 × 768 floats in SQL takes most of a second
// (measured: ~870 ms on PostgreSQL 15), in JavaScript a few milliseconds, so each user's
// vectors are kept in memory and revalidated by one primary-key read of the user's
// search_index_state row (documents, highest version; kept by a trigger), which changes with
// every write, from any replica.
import { createRequire } from "node:module";
import { sql } from "drizzle-orm";
import type { Db } from "../platform/db/database.js";
import { decodeVectorInto } from "./vector-codec.js";

/** usearch's exact (brute-force, SIMD) inner-product scan: a prebuilt native module in its
 * npm package. At 10,000 × 384 it picks the 50 nearest in ~1 ms of one core where the
 * JavaScript loop below takes 4–6 ms — most of a search's CPU. Only its exact search is
 * used (no approximate index: an HNSW graph would lose recall and need rebuilding on every
 * write). Where the module does not load (a platform without a prebuilt binary) the
 * JavaScript scan answers the same. */
type Usearch = typeof import("usearch");
const usearch: Promise<Usearch | undefined> = (async () => {
  try {
    // Its CommonJS build finds the binary from its own directory; the ES module build
    // works it out from a stack frame's file name and recurses until the stack overflows
    // where that is not a path (seen under `tsx -e`).
    const m = createRequire(import.meta.url)("usearch") as Usearch;
    // Loading alone does not prove the binary runs: one tiny search does.
    m.exactSearch(new Float32Array([1, 0]), new Float32Array([1, 0]), 2, 1, m.MetricKind.IP, 1);
    return m;
  } catch {
    return undefined;
  }
})();

/** Exposed for tests: whether the native scan is in use. */
export const nativeScan = async (): Promise<boolean> => (await usearch) !== undefined;

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
    // One row kept by a trigger (migration 0007): documents and the highest version written.
    const [s] = await rows<{ n: number; v: string }>(
      this.db,
      sql`select documents as n, version::text as v
          from search_index_state where user_id = ${userId}`,
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
    return nearestRows(ids, matrix, this.dimensions, query, k, allowed);
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

/** The `k` rows of `matrix` with the highest dot product with `query` among `allowed` (all
 * when undefined), best first, ties by id. One pass: each row's dot product is compared with
 * the worst of the k kept so far (a binary min-heap), so a search costs the scan and a few
 * heap moves, not an array and a sort of every row (measured at 10,000 × 384: 6.3 → ~3.5 ms
 * per query). Hand-written because it is twenty lines over our own Float32Array layout. */
export function topK(
  ids: string[],
  matrix: Float32Array,
  d: number,
  query: number[],
  k: number,
  allowed?: Set<string>,
): { id: string; score: number }[] {
  // Offline query vectors have a handful of non-zero buckets out of 768: visiting only
  // those makes the scan ~100× cheaper and gives the same dot products. Dense (model,
  // Gemini) vectors take the plain loop, four sums at a time.
  const nz: number[] = [];
  query.forEach((x, j) => {
    if (x !== 0) nz.push(j);
  });
  const sparse = nz.length < d / 4;
  const idx = Int32Array.from(nz);
  const val = Float32Array.from(nz.map((j) => query[j] as number));
  const q = Float32Array.from(query);
  const tail = d - (d % 4);
  const dot = (base: number): number => {
    if (sparse) {
      let s = 0;
      for (let t = 0; t < idx.length; t++) {
        s += (matrix[base + (idx[t] as number)] as number) * (val[t] as number);
      }
      return s;
    }
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let j = 0;
    for (let b = base; j < tail; j += 4, b += 4) {
      a0 += (matrix[b] as number) * (q[j] as number);
      a1 += (matrix[b + 1] as number) * (q[j + 1] as number);
      a2 += (matrix[b + 2] as number) * (q[j + 2] as number);
      a3 += (matrix[b + 3] as number) * (q[j + 3] as number);
    }
    for (; j < d; j++) a0 += (matrix[base + j] as number) * (q[j] as number);
    return a0 + a1 + a2 + a3;
  };
  const better = (sa: number, ia: number, sb: number, ib: number) =>
    sa > sb || (sa === sb && (ids[ia] as string) < (ids[ib] as string));
  const cap = Math.min(k, ids.length);
  // Min-heap of row positions: the root is the worst kept.
  const heap: number[] = [];
  const score = new Float64Array(ids.length);
  const sift = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      const sw = () => score[heap[w] as number] as number;
      if (
        l < heap.length &&
        better(sw(), heap[w] as number, score[heap[l] as number] as number, heap[l] as number)
      )
        w = l;
      if (
        r < heap.length &&
        better(sw(), heap[w] as number, score[heap[r] as number] as number, heap[r] as number)
      )
        w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w] as number, heap[i] as number];
      i = w;
    }
  };
  for (let i = 0; i < ids.length; i++) {
    if (allowed && !allowed.has(ids[i] as string)) continue;
    const s = dot(i * d);
    score[i] = s;
    if (heap.length < cap) {
      heap.push(i);
      // Bubble up: a parent must be worse than (or equal to) its children.
      let c = heap.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        const pc = heap[p] as number;
        if (!better(score[pc] as number, pc, s, i)) break;
        heap[c] = pc;
        heap[p] = i;
        c = p;
      }
    } else if (cap > 0 && better(s, i, score[heap[0] as number] as number, heap[0] as number)) {
      heap[0] = i;
      sift(0);
    }
  }
  return heap
    .sort(
      (a, b) =>
        (score[b] as number) - (score[a] as number) ||
        ((ids[a] as string) < (ids[b] as string) ? -1 : 1),
    )
    .map((i) => ({ id: ids[i] as string, score: score[i] as number }));
}

/** The `k` nearest rows by dot product (best first, ties by id): usearch's native scan when
 * it loaded and no filter applies, else the JavaScript scan. */
export async function nearestRows(
  ids: string[],
  matrix: Float32Array,
  d: number,
  query: number[],
  k: number,
  allowed?: Set<string>,
): Promise<{ id: string; score: number }[]> {
  const native = await usearch;
  // The native scan picks the k best positions; their dot products are then taken here,
  // so scores (and the order of equal scores, by id) are the same on both paths.
  if (native && !allowed && k < ids.length) {
    const found = native.exactSearch(
      matrix,
      Float32Array.from(query),
      d,
      k,
      native.MetricKind.IP,
      1,
    );
    const rowsOf = Array.from((found as { keys: BigUint64Array }).keys, Number);
    return rescore(ids, matrix, d, query, rowsOf).slice(0, k);
  }
  return topK(ids, matrix, d, query, k, allowed);
}

/** Exact dot products of `query` with the given rows, best first, ties by id. */
export function rescore(
  ids: string[],
  matrix: Float32Array,
  d: number,
  query: number[],
  rowsOf: number[],
): { id: string; score: number }[] {
  return rowsOf
    .filter((i) => i >= 0 && i < ids.length)
    .map((i) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (matrix[i * d + j] as number) * (query[j] as number);
      return { id: ids[i] as string, score: s };
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
