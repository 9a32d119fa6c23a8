// One user's words (lexical.ts) and code fingerprints (structure.ts), kept in process by
// both index adapters. Revalidated by one cheap query for the user's (count, newest
// version) — at once after this process wrote, else at most every REVALIDATE_MS: only
// documents written since the last look are read again, so a write costs one row, not a
// reload; a count that does not add up (a delete) reloads all.
import { LexicalIndex, parseLexicalDocument } from "./lexical.js";
import { REVALIDATE_MS } from "./postgres-vector-cache.js";
import { STRUCTURE_DIMENSIONS } from "./structure.js";

export interface CorpusRow {
  id: string;
  lexical: string;
  structure: ArrayLike<number> | null;
  /** Monotonic per write (a sequence in PostgreSQL, a timestamp in Neo4j). */
  version: number;
}

export interface CorpusSource {
  state(userId: string): Promise<{ count: number; version: number }>;
  /** The user's documents written at or after `sinceVersion` (all when undefined). */
  rows(userId: string, sinceVersion?: number): Promise<CorpusRow[]>;
}

export interface UserCorpus {
  ids: string[];
  position: Map<string, number>;
  lexical: LexicalIndex;
  structure: (Float32Array | undefined)[];
  count: number;
  version: number;
}

/** Bounds memory across users (documents summed). */
const MAX_CACHED_DOCUMENTS = 200_000;

export class CorpusCache {
  private readonly users = new Map<string, UserCorpus>();
  private readonly checkedAt = new Map<string, number>();

  constructor(private readonly source: CorpusSource) {}

  /** This process wrote the user's documents: check their state on the next load. */
  invalidate(userId: string): void {
    this.checkedAt.delete(userId);
  }

  /** Every user's state is checked again on its next load (the index was cleared). */
  invalidateAll(): void {
    this.checkedAt.clear();
  }

  async load(userId: string): Promise<UserCorpus> {
    let corpus = this.users.get(userId);
    const checked = this.checkedAt.get(userId);
    // Trusted for a moment after a check (see REVALIDATE_MS); own writes invalidate.
    if (corpus && checked !== undefined && performance.now() - checked < REVALIDATE_MS) {
      return corpus;
    }
    const state = await this.source.state(userId);
    this.checkedAt.set(userId, performance.now());
    if (corpus && corpus.version === state.version && corpus.count === state.count) {
      this.users.delete(userId);
      this.users.set(userId, corpus);
      return corpus;
    }
    if (corpus && state.version >= corpus.version) {
      for (const row of await this.source.rows(userId, corpus.version)) this.apply(corpus, row);
      corpus.version = Math.max(corpus.version, state.version);
      if (corpus.count !== state.count) corpus = undefined;
    } else corpus = undefined;
    if (!corpus) {
      corpus = this.empty();
      for (const row of await this.source.rows(userId)) this.apply(corpus, row);
      corpus.version = state.version;
    }
    this.users.delete(userId);
    this.users.set(userId, corpus);
    this.evict();
    return corpus;
  }

  private empty(): UserCorpus {
    return {
      ids: [],
      position: new Map(),
      lexical: new LexicalIndex(),
      structure: [],
      count: 0,
      version: 0,
    };
  }

  private apply(c: UserCorpus, row: CorpusRow): void {
    let pos = c.position.get(row.id);
    if (pos === undefined) {
      pos = c.ids.length;
      c.ids.push(row.id);
      c.position.set(row.id, pos);
      c.count++;
    }
    const words = parseLexicalDocument(row.lexical);
    c.lexical.set(pos, words.weights, words.idiomsOnly);
    c.structure[pos] =
      row.structure && row.structure.length === STRUCTURE_DIMENSIONS
        ? Float32Array.from(row.structure)
        : undefined;
    c.version = Math.max(c.version, row.version);
  }

  private evict(): void {
    let total = 0;
    for (const u of this.users.values()) total += u.count;
    for (const [key, u] of this.users) {
      if (total <= MAX_CACHED_DOCUMENTS || this.users.size <= 1) break;
      this.users.delete(key);
      this.checkedAt.delete(key);
      total -= u.count;
    }
  }
}
