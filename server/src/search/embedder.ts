// The Embedder port: text in, a unit-length vector out. Documents and queries are embedded
// separately because models (Gemini) encode them for retrieval differently.

/** Gemini's and the offline embedder's size; a model's own size otherwise. */
export const EMBEDDING_DIMENSIONS = 768;

/** How an embedder's cosines read as relevance: at `unrelated` and below a text shares no
 * meaning with the query, at `same` and above it is about the same thing. Scores map
 * linearly in between, so a score means the same for every query (not "best of this page"). */
export interface ScoreCalibration {
  unrelated: number;
  same: number;
}

export interface EmbeddableSnippet {
  title: string | null;
  description: string | null;
  code: string;
  language: string;
}

export interface Embedder {
  /** Recorded beside each vector, so vectors of different models are never compared. */
  readonly model: string;
  readonly dimensions: number;
  embedDocuments(docs: EmbeddableSnippet[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
  readonly calibration: ScoreCalibration;
  /** The cosine at which a query is taken to describe a glossary entry
   * (glossary-expansion.ts), measured for this embedder; absent: no such expansion. */
  readonly glossaryMinCosine?: number;
  /** Frees what the embedder holds (the model's worker thread). */
  close?(): Promise<void>;
}

export function normalize(v: number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? v : v.map((x) => x / norm);
}

/** Cosine of two unit vectors (their dot product). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/** A text with no features (offline) embeds to zeros; such a vector has no direction. */
export const isZeroVector = (v: ArrayLike<number>): boolean => {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
};
